package org.llmworkbench;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** Entry point facts about the workbench itself: its version and the versions it runs on. */
public final class Workbench {
    private Workbench() {}

    /** The library version, as built by Maven. */
    public static String version() {
        try (InputStream in = Workbench.class.getResourceAsStream("/org/llmworkbench/version.properties")) {
            if (in == null) return "dev";
            Properties p = new Properties();
            p.load(in);
            String v = p.getProperty("version", "dev");
            return v.startsWith("${") ? "dev" : v;
        } catch (IOException e) {
            return "dev";
        }
    }

    /** Java runtime version, e.g. "17.0.15". */
    public static String javaVersion() {
        return System.getProperty("java.version");
    }
}
