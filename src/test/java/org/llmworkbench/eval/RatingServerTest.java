package org.llmworkbench.eval;

import org.llmworkbench.data.ModelResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The rating page over real HTTP, the way a browser uses it: GET the page, POST a form, follow the redirect. */
class RatingServerTest {
    private static final HttpClient HTTP = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    private static ModelResponse r(String model, String instruction, String response) {
        return new ModelResponse(instruction, "", "reference of " + instruction, response, model, "alpaca", Map.of());
    }

    private static final List<ModelResponse> TUNED = List.of(
            r("tuned", "Name a primary color.", "Red is a primary color."),
            r("tuned", "What is 2 + 2?", "2 + 2 is 4."),
            r("tuned", "Only in the first file.", "x"));
    private static final List<ModelResponse> BASE = List.of(
            r("base", "What is 2 + 2?", "<b>five</b> & more"),
            r("base", "Name a primary color.", "The the the"));

    private static HttpResponse<String> get(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> post(String url, String form) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode state(String base) throws Exception {
        return new ObjectMapper().readTree(get(base + "state").body());
    }

    @Test
    void rateOverHttpSaveEachChoiceAndResume(@TempDir Path out) throws Exception {
        RatingSession session = RatingSession.open(TUNED, BASE, out, 42);
        assertThat(session.total()).isEqualTo(2);
        assertThat(session.unpaired()).isEqualTo(1);
        String firstId;
        RatingSession.Item first;
        try (RatingServer server = RatingServer.start(session, 0)) {
            String base = server.url();
            assertThat(base).matches("http://127\\.0\\.0\\.1:\\d+/[0-9a-f]{32}/");
            assertThat(get(base.replaceAll("/[0-9a-f]{32}/$", "/") ).statusCode()).isEqualTo(404);
            assertThat(get(base.replace(base.substring(base.length() - 9), "00000000/")).statusCode()).isEqualTo(404);

            HttpResponse<String> page = get(base);
            assertThat(page.statusCode()).isEqualTo(200);
            first = session.current().orElseThrow();
            firstId = first.id();
            assertThat(page.body()).contains("Name a primary color.").contains("0 of 2 rated")
                    .contains("value=\"" + firstId + "\"").contains("<kbd>A</kbd>").contains("keydown")
                    .doesNotContain("http://", "https://");
            assertThat(state(base).get("item").asText()).isEqualTo(firstId);

            // a bad choice is refused; a stale item id changes nothing
            assertThat(post(base + "choice", "item=" + firstId + "&choice=maybe").statusCode()).isEqualTo(400);
            assertThat(post(base + "choice", "item=ffffffffffff&choice=a").statusCode()).isEqualTo(303);
            assertThat(state(base).get("rated").asInt()).isZero();

            HttpResponse<String> chosen = post(base + "choice", "item=" + firstId + "&choice=b");
            assertThat(chosen.statusCode()).isEqualTo(303);
            assertThat(chosen.headers().firstValue("Location")).hasValue(URI.create(base).getPath());
            assertThat(state(base).get("rated").asInt()).isEqualTo(1);
            assertThat(server.awaitFinished(10, TimeUnit.MILLISECONDS)).isFalse();
        }

        // saved at once: the answer shown as B won
        JsonNode prefs = new ObjectMapper().readTree(out.resolve("preferences.json").toFile());
        assertThat(prefs).hasSize(1);
        assertThat(prefs.get(0).get("instruction").asText()).isEqualTo("Name a primary color.");
        assertThat(prefs.get(0).get("chosen").asText()).isEqualTo(first.b().response());
        assertThat(prefs.get(0).get("rejected").asText()).isEqualTo(first.a().response());
        assertThat(prefs.get(0).fieldNames()).toIterable().contains("instruction", "input", "chosen", "rejected");

        // a restart (another seed, so other sides) resumes at the second item
        RatingSession resumed = RatingSession.open(TUNED, BASE, out, 7);
        assertThat(resumed.rated()).isEqualTo(1);
        RatingSession.Item second = resumed.current().orElseThrow();
        assertThat(second.a().instruction()).isEqualTo("What is 2 + 2?");
        try (RatingServer server = RatingServer.start(resumed, 0)) {
            String page = get(server.url()).body();
            assertThat(page).contains("1 of 2 rated").contains("&lt;b&gt;five&lt;/b&gt; &amp; more").doesNotContain("<b>five</b>");
            post(server.url() + "choice", "item=" + second.id() + "&choice=tie");
            assertThat(server.awaitFinished(1, TimeUnit.SECONDS)).isTrue();
            assertThat(get(server.url()).body()).contains("All 2 comparisons are rated");
        }
        List<String> csv = Files.readAllLines(out.resolve("ratings.csv"));
        assertThat(csv).hasSize(3);
        assertThat(csv.get(0)).isEqualTo(String.join(",", RatingSession.CSV_HEADER));
        assertThat(csv.get(1)).startsWith(firstId + ",0,Name a primary color.,,").contains(",b,");
        assertThat(csv.get(2)).contains(",tie,tie,");
        JsonNode rewritten = new ObjectMapper().readTree(out.resolve("preferences.json").toFile());
        assertThat(rewritten).hasSize(1);
        assertThat(rewritten.get(0).get("chosen").asText()).as("the resumed session kept the first choice's sides")
                .isEqualTo(first.b().response());
        assertThat(RatingSession.open(TUNED, BASE, out, 1).finished()).isTrue();
        try (var files = Files.list(out)) {
            assertThat(files.map(p -> p.getFileName().toString()).toList())
                    .containsExactlyInAnyOrder("preferences.json", "ratings.csv");
        }
    }

    @Test
    void ratingsOfOtherAnswersAreNotMixedIn(@TempDir Path out) throws Exception {
        RatingSession session = RatingSession.open(TUNED, BASE, out, 1);
        session.record(session.current().orElseThrow().id(), RatingSession.Choice.A);
        List<ModelResponse> changed = List.of(r("base", "What is 2 + 2?", "4"), r("base", "Name a primary color.", "Blue"));
        assertThatThrownBy(() -> RatingSession.open(TUNED, changed, out, 1))
                .hasMessageContaining("not among the answers").hasMessageContaining("another --out");
        assertThatThrownBy(() -> RatingSession.open(TUNED, List.of(r("base", "unrelated", "x")), out.resolve("x"), 1))
                .hasMessageContaining("share no (instruction, input) pair");
    }

    @Test
    void csvRoundTripsQuotesCommasAndLineBreaks() {
        StringBuilder s = new StringBuilder();
        RatingSession.Csv.appendRow(s, List.of("plain", "with, comma", "with \"quote\"", "two\nlines", ""));
        assertThat(org.llmworkbench.data.CsvRows.parse(s.toString(), "t"))
                .containsExactly(List.of("plain", "with, comma", "with \"quote\"", "two\nlines", ""));
    }
}
