package org.llmworkbench.finetune;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.llmworkbench.data.InstructionPrompts.Example;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class InstructionDataTest {

    @Test
    void theBooksFileSplits935To110To55InFileOrder() {
        List<Example> all = InstructionData.load();
        assertThat(all).hasSize(1100);
        assertThat(all.get(0).instruction()).isEqualTo("Evaluate the following phrase by transforming it into the spelling given.");
        assertThat(all.get(0).input()).isEqualTo("freind --> friend");
        InstructionData.Split<Example> split = InstructionData.split(all);
        assertThat(split.train()).hasSize(935);
        assertThat(split.test()).hasSize(110);
        assertThat(split.validation()).hasSize(55);
        assertThat(split.train().get(0)).isEqualTo(all.get(0));
        assertThat(split.test().get(0)).isEqualTo(all.get(935));
        assertThat(split.validation().get(0)).isEqualTo(all.get(1045));
        assertThat(split.part("val")).isSameAs(split.validation());
    }

    @Test
    void aSeededSplitShufflesTheSameWayEveryTime() {
        List<Example> all = InstructionData.load();
        InstructionData.Split<Example> a = InstructionData.split(all, 7);
        assertThat(InstructionData.split(all, 7)).isEqualTo(a);
        assertThat(a.train()).hasSize(935).isNotEqualTo(InstructionData.split(all).train());
        assertThat(InstructionData.split(all, 8).test()).isNotEqualTo(a.test());
    }

    @Test
    void preferenceDataHasChosenAndRejectedAnswers() {
        List<PreferenceData.Example> all = PreferenceData.load();
        assertThat(all).hasSize(1100);
        assertThat(all.get(0).rejected()).startsWith("The spelling of the given phrase \"freind\" is flat out wrong");
        assertThat(all.get(0).chosen()).isNotEqualTo(all.get(0).rejected());
        assertThat(InstructionData.split(all).validation()).hasSize(55);
    }

    @Test
    void aBadRecordIsNamedByIndexAndField(@TempDir Path dir) throws IOException {
        Path missing = dir.resolve("missing.json");
        Files.writeString(missing, "[{\"instruction\":\"a\",\"input\":\"\",\"output\":\"b\"}, {\"instruction\":\"c\",\"input\":\"\"}]");
        assertThatThrownBy(() -> InstructionData.load(missing))
                .hasMessageContaining("record 1").hasMessageContaining("missing field \"output\"");
        Path number = dir.resolve("number.json");
        Files.writeString(number, "[{\"instruction\":\"a\",\"input\":3,\"output\":\"b\"}]");
        assertThatThrownBy(() -> InstructionData.load(number))
                .hasMessageContaining("record 0").hasMessageContaining("field \"input\" must be a string, got number");
        Path pref = dir.resolve("pref.json");
        Files.writeString(pref, "[{\"instruction\":\"a\",\"chosen\":\"b\"}]");
        assertThatThrownBy(() -> PreferenceData.load(pref)).hasMessageContaining("record 0: missing field \"rejected\"");
        Path notArray = dir.resolve("object.json");
        Files.writeString(notArray, "{\"instruction\":\"a\"}");
        assertThatThrownBy(() -> InstructionData.load(notArray)).hasMessageContaining("expected a JSON array");
        Path broken = dir.resolve("broken.json");
        Files.writeString(broken, "[{\"instruction\":");
        assertThatThrownBy(() -> InstructionData.load(broken)).hasMessageContaining("broken.json: not valid JSON");
    }
}
