package org.llmworkbench.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ConsoleInputTest {
    private static String next(String code) {
        return ConsoleInput.of(code).nextIndent();
    }

    @Test
    void theNextLineIsIndentedOneLevelInsideTheInnermostOpenBlock() {
        assertThat(next("for (int i = 0; i < 3; i++) {")).isEqualTo("    ");
        assertThat(next("if (x) {\n    int y = 1;")).isEqualTo("    ");
        assertThat(next("if (x) {\n    while (y) {")).isEqualTo("        ");
        assertThat(next("int x = foo(1,")).isEmpty();
        assertThat(next("  int x = foo(1,")).as("an open parenthesis keeps the line's indent").isEqualTo("  ");
        // a user's own style (2 spaces) is followed: one level past the line that opened the block
        assertThat(next("class A {\n  void f() {")).isEqualTo("      ");
    }

    @Test
    void aLineThatClosesABlockSendsTheNextLineBackOut() {
        assertThat(next("for (int i = 0; i < 2; i++) {\n    if (i == 1) {\n        f(i);\n        }")).isEqualTo("    ");
        assertThat(next("class A {\n    void f() {\n    }")).isEqualTo("    ");
        assertThat(next("class A {\n    void f() { g(); }")).as("a block opened and closed on one line").isEqualTo("    ");
    }

    @Test
    void bracesInStringsCharactersCommentsAndTextBlocksDontCount() {
        assertThat(next("if (x) {\n    String s = \"}\";")).isEqualTo("    ");
        assertThat(next("if (x) {\n    char c = '}';")).isEqualTo("    ");
        assertThat(next("if (x) {\n    char c = '\\'';")).isEqualTo("    ");
        assertThat(next("if (x) { // }")).isEqualTo("    ");
        assertThat(next("if (x) { /* } */")).isEqualTo("    ");
        assertThat(next("if (x) {\n    String t = \"\"\"\n        }\n        \"\"\";")).isEqualTo("    ");
        assertThat(next("String s = \"{\";")).isEmpty();
    }

    @Test
    void whatStillNeedsMoreLines() {
        assertThat(ConsoleInput.of("if (x) {").needsMore()).isTrue();
        assertThat(ConsoleInput.of("int y = (1 +").needsMore()).isTrue();
        assertThat(ConsoleInput.of("int[] a = {1, 2").needsMore()).isTrue();
        assertThat(ConsoleInput.of("/* a comment").needsMore()).isTrue();
        assertThat(ConsoleInput.of("String s = \"\"\"\n  text").needsMore()).isTrue();
        assertThat(ConsoleInput.of("if (x) { y(); }").needsMore()).isFalse();
        assertThat(ConsoleInput.of("String s = \")\";").needsMore()).isFalse();
        assertThat(ConsoleInput.of("int x = 1;").needsMore()).isFalse();
    }
}
