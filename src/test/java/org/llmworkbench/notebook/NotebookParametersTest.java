package org.llmworkbench.notebook;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NotebookParametersTest {

    @Test
    void valuesBecomeJavaLiteralsOfTheDeclaredType() {
        assertThat(NotebookParameters.javaLiteral("int", "steps", " 1_000 ")).isEqualTo("1_000");
        assertThat(NotebookParameters.javaLiteral("long", "seed", "42")).isEqualTo("42L");
        assertThat(NotebookParameters.javaLiteral("Long", "seed", "42l")).isEqualTo("42L");
        assertThat(NotebookParameters.javaLiteral("double", "lr", "5e-4")).isEqualTo("5e-4");
        assertThat(NotebookParameters.javaLiteral("float", "scale", "0.5F")).isEqualTo("0.5f");
        assertThat(NotebookParameters.javaLiteral("boolean", "fast", "true")).isEqualTo("true");
        assertThat(NotebookParameters.javaLiteral("String", "name", "a \"b\"")).isEqualTo("\"a \\\"b\\\"\"");
        assertThat(NotebookParameters.javaLiteral("List<Integer>", "xs", "List.of(1, 2)")).isEqualTo("List.of(1, 2)");
    }

    @Test
    void aValueThatIsNotOfTheTypeFailsNamingTheParameter() {
        assertThatThrownBy(() -> NotebookParameters.javaLiteral("int", "steps", "3.5"))
                .hasMessageContaining("parameter 'steps' is declared int but got '3.5'");
        assertThatThrownBy(() -> NotebookParameters.javaLiteral("long", "seed", "12f"))
                .hasMessageContaining("parameter 'seed' is declared long");
        assertThatThrownBy(() -> NotebookParameters.javaLiteral("boolean", "fast", "yes"))
                .hasMessageContaining("use true or false");
    }
}
