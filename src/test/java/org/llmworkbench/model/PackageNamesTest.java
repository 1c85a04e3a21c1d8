package org.llmworkbench.model;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Notebooks star-import both model packages: no public class name may be in both. */
class PackageNamesTest {

    private static Set<String> publicClasses(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".class") && !n.contains("$"))
                    .map(n -> n.substring(0, n.length() - ".class".length()))
                    .filter(n -> {
                        try {
                            String pkg = dir.endsWith("attention") ? "org.llmworkbench.model.attention." : "org.llmworkbench.model.";
                            return java.lang.reflect.Modifier.isPublic(Class.forName(pkg + n).getModifiers());
                        } catch (ClassNotFoundException e) {
                            return false;
                        }
                    })
                    .collect(Collectors.toCollection(TreeSet::new));
        }
    }

    @Test
    void modelAndAttentionPackagesShareNoPublicClassName() throws IOException, URISyntaxException {
        Path model = Path.of(GptModel.class.getResource("GptModel.class").toURI()).getParent();
        Set<String> production = publicClasses(model);
        Set<String> teaching = publicClasses(model.resolve("attention"));
        assertThat(production).contains("GptModel", "GptAttention", "KvCache");
        assertThat(teaching).contains("MultiHeadAttention", "MultiHeadAttentionWrapper");
        Set<String> both = new TreeSet<>(production);
        both.retainAll(teaching);
        assertThat(both).as("names in both org.llmworkbench.model and .model.attention").isEmpty();
    }
}
