package org.llmworkbench.notebook;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Resolves Maven coordinates with their dependencies for the %maven magic. We let Maven itself do
 * it (a throw-away pom + dependency:build-classpath), so repositories, proxies and ~/.m2 settings
 * work exactly as they do for the user's builds.
 */
final class MavenResolver {
    private static final Pattern COORDS = Pattern.compile("[\\w.\\-]+:[\\w.\\-]+(:[\\w.\\-]+){1,3}");
    private static final String DEPENDENCY_PLUGIN = "org.apache.maven.plugins:maven-dependency-plugin:3.8.1";

    private volatile Process running;

    List<String> resolve(List<String> coordinates) throws IOException, InterruptedException {
        StringBuilder deps = new StringBuilder();
        for (String c : coordinates) {
            if (!COORDS.matcher(c).matches()) {
                throw new IllegalArgumentException("%maven: '" + c + "' is not group:artifact:version "
                        + "(or group:artifact:packaging:version / group:artifact:packaging:classifier:version)");
            }
            String[] p = c.split(":");
            deps.append("<dependency><groupId>").append(p[0]).append("</groupId><artifactId>").append(p[1])
                    .append("</artifactId>");
            if (p.length == 3) {
                deps.append("<version>").append(p[2]).append("</version>");
            } else if (p.length == 4) {
                deps.append("<type>").append(p[2]).append("</type><version>").append(p[3]).append("</version>");
            } else {
                deps.append("<type>").append(p[2]).append("</type><classifier>").append(p[3])
                        .append("</classifier><version>").append(p[4]).append("</version>");
            }
            deps.append("</dependency>");
        }
        Path dir = Files.createTempDirectory("workbench-maven");
        try {
            Path pom = dir.resolve("pom.xml");
            Files.writeString(pom, "<project xmlns=\"http://maven.apache.org/POM/4.0.0\"><modelVersion>4.0.0</modelVersion>"
                    + "<groupId>org.llmworkbench.magic</groupId><artifactId>maven-magic</artifactId><version>1</version>"
                    + "<dependencies>" + deps + "</dependencies></project>", StandardCharsets.UTF_8);
            Path out = dir.resolve("classpath.txt");
            Path log = dir.resolve("mvn.log");
            List<String> cmd = new ArrayList<>(List.of(mavenExecutable(), "-B", "-q", "-f", pom.toString(),
                    DEPENDENCY_PLUGIN + ":build-classpath", "-Dmdep.outputFile=" + out, "-Dmdep.includeScope=runtime"));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            running = p;
            try {
                if (!p.waitFor(10, TimeUnit.MINUTES)) {
                    p.destroyForcibly();
                    throw new IOException("%maven: Maven did not finish within 10 minutes");
                }
            } finally {
                running = null;
            }
            if (p.exitValue() != 0 || !Files.exists(out)) {
                String tail = Files.exists(log) ? tail(Files.readString(log, StandardCharsets.UTF_8), 1500) : "";
                throw new IOException("%maven: Maven could not resolve " + String.join(", ", coordinates)
                        + " (is Maven Central reachable?):\n" + tail);
            }
            List<String> entries = new ArrayList<>();
            for (String e : Files.readString(out, StandardCharsets.UTF_8).strip().split(File.pathSeparator)) {
                if (!e.isBlank()) entries.add(e.strip());
            }
            return entries;
        } finally {
            deleteTree(dir);
        }
    }

    void cancel() {
        Process p = running;
        if (p != null) p.destroyForcibly();
    }

    private static String mavenExecutable() {
        String home = System.getenv("MAVEN_HOME");
        if (home != null && Files.isExecutable(Path.of(home, "bin", "mvn"))) return Path.of(home, "bin", "mvn").toString();
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path candidate = Path.of(dir, "mvn");
            if (Files.isExecutable(candidate)) return candidate.toString();
        }
        throw new IllegalStateException("%maven needs Maven (mvn) on the PATH or MAVEN_HOME set; "
                + "alternatively download the jars and use %jars PATH");
    }

    private static String tail(String s, int max) {
        return s.length() <= max ? s : "…" + s.substring(s.length() - max);
    }

    private static void deleteTree(Path dir) {
        try (var walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temp folder left behind is harmless
        }
    }
}
