package org.llmworkbench.cli;

import org.llmworkbench.eval.RatingServer;
import org.llmworkbench.eval.RatingSession;
import org.llmworkbench.data.ResponsesFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * {@code workbench rate}: a local page for a person to compare two models' answers side by side.
 * Choices are saved as they are made (preference JSON for DPO + ratings CSV); running the command
 * again with the same {@code --out} resumes. Stops when every pair is rated (or on Ctrl-C).
 */
@Command(name = "rate", mixinStandardHelpOptions = true,
        description = "Rate two models' answers side by side in the browser (127.0.0.1 only); ends with one JSON line.")
public final class RateCommand implements Callable<Integer> {

    @Option(names = "--responses", required = true, arity = "1",
            description = "A responses file; give the option twice (model A, model B).")
    List<Path> responses;

    @Option(names = "--port", defaultValue = "0", description = "Port on 127.0.0.1 (0: any free port). Default: ${DEFAULT-VALUE}")
    int port;

    @Option(names = "--out", defaultValue = "build/ratings",
            description = "Directory for preferences.json and ratings.csv (resumes when they exist). Default: ${DEFAULT-VALUE}")
    Path out;

    @Option(names = "--seed", description = "Seed of the left/right order (default: random).")
    Long seed;

    @Override
    public Integer call() throws Exception {
        if (responses.size() != 2) {
            throw new IllegalArgumentException("give exactly two --responses files (model A and model B), got " + responses.size());
        }
        long coin = seed != null ? seed : new SecureRandom().nextLong();
        RatingSession session = RatingSession.open(ResponsesFile.read(responses.get(0)), ResponsesFile.read(responses.get(1)),
                out, coin);
        System.out.printf("%d comparisons (%d already rated, %d answers without a partner), saving to %s%n",
                session.total(), session.rated(), session.unpaired(), out.toAbsolutePath());
        if (!session.finished()) {
            try (RatingServer server = RatingServer.start(session, port)) {
                System.out.println("open " + server.url() + "   keys: A / B = that answer is better, T = tie, S = skip");
                System.out.flush();
                while (!server.awaitFinished(1, TimeUnit.SECONDS)) {
                    // choices are already on disk; Ctrl-C stops here and a rerun resumes
                }
            }
        }
        JsonLine.command("rate")
                .put("total", session.total())
                .put("rated", session.rated())
                .put("wins", session.wins())
                .put("preferences", out.resolve(RatingSession.PREFERENCES_FILE).toString())
                .put("ratings", out.resolve(RatingSession.RATINGS_FILE).toString())
                .println(System.out);
        return 0;
    }
}
