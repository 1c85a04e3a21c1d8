package org.llmworkbench.cli;

import org.llmworkbench.datasets.DatasetEntry;
import org.llmworkbench.datasets.DatasetResolver;
import org.llmworkbench.datasets.Datasets;
import org.llmworkbench.datasets.ResolvedDataset;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code workbench datasets [list|verify|fetch] [NAME…] [--data-dir DIR]}: what is on disk, is it intact, get it. */
@Command(name = "datasets",
        mixinStandardHelpOptions = true,
        description = {
                "List, verify or fetch the datasets of the manifest; ends with one JSON line.",
                "Looks in --data-dir (else WORKBENCH_DATA_DIR), then ~/.cache/llm-workbench; fetch downloads into the cache."
        })
public final class DatasetsCommand implements Callable<Integer> {

    enum Action { list, verify, fetch }

    @Parameters(index = "0", arity = "0..1", defaultValue = "list", paramLabel = "ACTION",
            description = "list (default): where each dataset is found; verify: check sha256 of every copy; fetch: resolve, downloading if needed.")
    Action action;

    @Parameters(index = "1..*", paramLabel = "NAME", description = "Datasets to act on (default: all).")
    List<String> names = new ArrayList<>();

    @Mixin
    DataDirOption dataDir;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        DatasetResolver resolver = Datasets.resolver(dataDir.orSetting());
        List<DatasetEntry> entries = new ArrayList<>();
        if (names.isEmpty()) entries.addAll(resolver.manifest().datasets());
        else for (String n : names) entries.add(resolver.manifest().entry(n));
        PrintWriter out = spec.commandLine().getOut();
        JsonLine summary = JsonLine.command("datasets " + action);
        int code = switch (action) {
            case list -> list(resolver, entries, out, summary);
            case verify -> verify(resolver, entries, out, summary);
            case fetch -> fetch(resolver, entries, out, summary);
        };
        summary.println(out);
        out.flush();
        return code;
    }

    private int list(DatasetResolver resolver, List<DatasetEntry> entries, PrintWriter out, JsonLine summary) {
        int found = 0;
        String format = "%-34s %10s  %-42s %s%n";
        out.printf(format, "NAME", "BYTES", "LICENSE", "FOUND");
        for (DatasetEntry e : entries) {
            var copy = resolver.locate(e.name());
            if (copy.isPresent()) found++;
            out.printf(format, e.name(), e.size(), e.license(), copy.map(c -> c.path().toString()).orElse("missing"));
        }
        out.println("data dir: " + (resolver.dataDir() == null ? "(none)" : resolver.dataDir()) + "   cache: " + resolver.cacheDir());
        summary.put("datasets", entries.size());
        summary.put("found", found);
        summary.put("missing", entries.size() - found);
        return 0;
    }

    private int verify(DatasetResolver resolver, List<DatasetEntry> entries, PrintWriter out, JsonLine summary) {
        int checked = 0, ok = 0, missing = 0;
        List<String> mismatched = new ArrayList<>();
        for (DatasetEntry e : entries) {
            List<DatasetResolver.Copy> copies = resolver.copies(e.name());
            if (copies.isEmpty()) {
                missing++;
                out.printf("%-34s missing%n", e.name());
                continue;
            }
            for (DatasetResolver.Copy c : copies) {
                DatasetResolver.FileCheck check = resolver.check(e, c.path());
                checked++;
                if (check.ok()) {
                    ok++;
                    out.printf("%-34s ok        %s%n", e.name(), c.path());
                } else {
                    mismatched.add(c.path().toString());
                    out.printf("%-34s MISMATCH  %s: sha256 %s (%d bytes), expected %s (%d bytes); replace it with %s%n",
                            e.name(), c.path(), check.actualSha256(), check.actualSize(), e.sha256(), e.size(), e.url());
                }
            }
        }
        summary.put("checked", checked);
        summary.put("ok", ok);
        summary.put("mismatched", mismatched.size());
        summary.put("missing", missing);
        if (!mismatched.isEmpty()) summary.put("mismatched_files", mismatched);
        return mismatched.isEmpty() ? 0 : 1;
    }

    private int fetch(DatasetResolver resolver, List<DatasetEntry> entries, PrintWriter out, JsonLine summary) {
        int fetched = 0, downloaded = 0;
        List<String> failed = new ArrayList<>();
        for (DatasetEntry e : entries) {
            try {
                ResolvedDataset r = resolver.resolve(e.name());
                fetched++;
                if (r.source() == ResolvedDataset.Source.DOWNLOAD) downloaded++;
                out.printf("%-34s %-9s %s%n", e.name(), r.source().name().toLowerCase().replace('_', '-'), r.path());
            } catch (RuntimeException ex) {
                failed.add(e.name());
                spec.commandLine().getErr().println("error: " + ex.getMessage());
            }
        }
        summary.put("fetched", fetched);
        summary.put("downloaded", downloaded);
        summary.put("failed", failed.size());
        if (!failed.isEmpty()) summary.put("failed_datasets", failed);
        return failed.isEmpty() ? 0 : 1;
    }
}
