package org.llmworkbench;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Properties;

/** Entry point facts about the workbench itself: its version and the versions it runs on. */
public final class Workbench {
    private Workbench() {}

    /** What every JVM the workbench starts needs when pom.xml's value is not at hand (an unfiltered build). */
    private static final String DEFAULT_JVM_OPTIONS =
            "-Djava.awt.headless=true -Dai.djl.offline=true --add-opens jdk.jshell/jdk.jshell=ALL-UNNAMED";

    /** The library version, as built by Maven. */
    public static String version() {
        return buildProperty("version", "dev");
    }

    /**
     * The JVM options every JVM the workbench starts needs (headless AWT, DJL offline, JShell opened
     * for the notebook engine): pom.xml's {@code workbench.jvm.opts}, the one place they are defined.
     * The launcher reads the same property; the kernelspec and the tests use it too.
     */
    public static List<String> jvmOptions() {
        return List.of(buildProperty("jvm.options", DEFAULT_JVM_OPTIONS).trim().split("\\s+"));
    }

    private static String buildProperty(String key, String fallback) {
        try (InputStream in = Workbench.class.getResourceAsStream("/org/llmworkbench/version.properties")) {
            if (in == null) return fallback;
            Properties p = new Properties();
            p.load(in);
            String v = p.getProperty(key, fallback);
            return v.startsWith("${") ? fallback : v;
        } catch (IOException e) {
            return fallback;
        }
    }

    /** Java runtime version, e.g. "17.0.15". */
    public static String javaVersion() {
        return System.getProperty("java.version");
    }
}
