package org.llmworkbench.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** One in-process run of the {@code workbench} CLI: exit code, standard output (System.out and picocli's), errors. */
record CliRun(int code, String out, String err) {

    static CliRun of(String... args) {
        PrintStream original = System.out;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        StringWriter err = new StringWriter();
        try (PrintStream captured = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            System.setOut(captured);
            CommandLine cl = WorkbenchCli.commandLine();
            cl.setOut(new PrintWriter(captured, true));
            cl.setErr(new PrintWriter(err, true));
            int code = cl.execute(args);
            captured.flush();
            return new CliRun(code, bytes.toString(StandardCharsets.UTF_8), err.toString());
        } finally {
            System.setOut(original);
        }
    }

    List<String> lines() {
        return out.lines().toList();
    }

    /** Every command ends with one JSON line of its figures. */
    JsonNode lastJson() throws Exception {
        List<String> lines = out.strip().lines().toList();
        return new ObjectMapper().readTree(lines.get(lines.size() - 1));
    }
}
