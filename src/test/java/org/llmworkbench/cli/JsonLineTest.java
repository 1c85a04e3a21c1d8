package org.llmworkbench.cli;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class JsonLineTest {

    @Test
    void fieldsKeepTheOrderTheyWerePutIn() {
        String text = JsonLine.command("generate").put("model", "gpt2").put("new_tokens", 5).put("ids", new int[] {1, 2})
                .text();
        assertThat(text).isEqualTo("{\"command\":\"generate\",\"model\":\"gpt2\",\"new_tokens\":5,\"ids\":[1,2]}");
    }

    @Test
    void aFieldPutAgainKeepsItsPlaceAndTakesTheNewValue() {
        JsonLine line = JsonLine.startingWith("bench", "eval").put("rounds", 3).put("seconds", 1.5);
        line.put("rounds", 5);
        assertThat(line.text()).isEqualTo("{\"bench\":\"eval\",\"rounds\":5,\"seconds\":1.5}");
    }

    @Test
    void printsExactlyOneLine() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        JsonLine.command("datasets list").put("names", List.of("a\nb")).println(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String printed = bytes.toString(StandardCharsets.UTF_8);
        assertThat(printed).isEqualTo("{\"command\":\"datasets list\",\"names\":[\"a\\nb\"]}" + System.lineSeparator());
    }
}
