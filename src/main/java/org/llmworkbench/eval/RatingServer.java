package org.llmworkbench.eval;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The page a person rates on: a JDK HTTP server bound to 127.0.0.1 only, every path behind a random
 * token (another local user or a web page cannot guess the URL). Plain HTML forms do the work, so
 * the page runs without JavaScript, a framework or internet access; a few lines of script add the
 * keyboard shortcuts A, B, T (tie) and S (skip).
 *
 * <ul>
 *   <li>{@code GET /TOKEN/} the current comparison, or a summary when all are rated;</li>
 *   <li>{@code POST /TOKEN/choice} with {@code item} and {@code choice} (a, b, tie, skip): saves,
 *   then redirects to the next comparison;</li>
 *   <li>{@code GET /TOKEN/state} progress as JSON.</li>
 * </ul>
 */
public final class RatingServer implements AutoCloseable {
    private final RatingSession session;
    private final HttpServer server;
    private final String token;
    private final CountDownLatch finished = new CountDownLatch(1);

    private RatingServer(RatingSession session, HttpServer server, String token) {
        this.session = session;
        this.server = server;
        this.token = token;
    }

    /** Starts serving on 127.0.0.1:{@code port} ({@code 0}: any free port). */
    public static RatingServer start(RatingSession session, int port) throws IOException {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("--port must be in [0, 65535], got " + port);
        }
        byte[] random = new byte[16];
        new SecureRandom().nextBytes(random);
        String token = HexFormat.of().formatHex(random);
        HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
        RatingServer server = new RatingServer(session, http, token);
        http.createContext("/", server::handle);
        http.start();
        if (session.finished()) server.finished.countDown();
        return server;
    }

    /** The URL to open, token included. */
    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/" + token + "/";
    }

    /** Blocks until every item is rated (or the timeout passes); true when finished. */
    public boolean awaitFinished(long timeout, TimeUnit unit) throws InterruptedException {
        return finished.await(timeout, unit);
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getRawPath();
            String prefix = "/" + token + "/";
            if (!path.startsWith(prefix)) {
                send(exchange, 404, "text/plain", "not found");
                return;
            }
            String rest = path.substring(prefix.length());
            String method = exchange.getRequestMethod();
            if (rest.isEmpty() && method.equals("GET")) {
                send(exchange, 200, "text/html", page());
            } else if (rest.equals("state") && method.equals("GET")) {
                send(exchange, 200, "application/json", state());
            } else if (rest.equals("choice") && method.equals("POST")) {
                choose(exchange, prefix);
            } else {
                send(exchange, 404, "text/plain", "not found");
            }
        } catch (RuntimeException e) {
            send(exchange, 500, "text/plain", "error: " + e.getMessage());
        }
    }

    private void choose(HttpExchange exchange, String home) throws IOException {
        Map<String, String> form = parseForm(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
        RatingSession.Choice choice;
        try {
            choice = RatingSession.Choice.parse(form.get("choice"));
        } catch (IllegalArgumentException e) {
            send(exchange, 400, "text/plain", e.getMessage());
            return;
        }
        String item = form.getOrDefault("item", "");
        Optional<RatingSession.Item> current = session.current();
        // only the item on screen can be rated: a double click or a stale tab just shows the next one
        if (current.isPresent() && current.get().id().equals(item)) {
            session.record(item, choice);
            if (session.finished()) finished.countDown();
        }
        exchange.getResponseHeaders().add("Location", home);
        exchange.sendResponseHeaders(303, -1);
    }

    private String state() {
        Optional<RatingSession.Item> current = session.current();
        return "{\"total\":" + session.total() + ",\"rated\":" + session.rated() + ",\"finished\":" + session.finished()
                + ",\"item\":" + current.map(i -> "\"" + i.id() + "\"").orElse("null") + "}";
    }

    // --- the page ---

    private static final String STYLE = """
            body{font-family:system-ui,sans-serif;margin:0 auto;max-width:1240px;padding:16px 24px;color:#222;background:#fafafa}
            h1{font-size:20px;margin:0 0 4px} .meta{color:#666;font-size:14px}
            progress{width:100%;height:10px;margin:6px 0 14px}
            .task{background:#fff;border:1px solid #ddd;border-radius:6px;padding:12px 16px;margin-bottom:14px}
            .label{font-size:12px;text-transform:uppercase;letter-spacing:.06em;color:#888;margin-bottom:4px}
            .text{white-space:pre-wrap;font-size:15px;line-height:1.45}
            .answers{display:grid;grid-template-columns:1fr 1fr;gap:14px}
            .answer{background:#fff;border:2px solid #cfd8e3;border-radius:6px;padding:12px 16px;min-height:120px}
            .buttons{display:flex;gap:10px;margin-top:16px} button{font-size:15px;padding:10px 18px;border-radius:6px;border:1px solid #888;background:#fff;cursor:pointer}
            button.pick{background:#1f6feb;color:#fff;border-color:#1f6feb} kbd{font-family:monospace;background:#eee;border:1px solid #bbb;border-radius:3px;padding:0 4px;color:#222}
            """;

    private static final String KEYS = """
            document.addEventListener('keydown', function (e) {
              if (e.ctrlKey || e.metaKey || e.altKey) return;
              var map = {a: 'a', b: 'b', t: 'tie', s: 'skip'};
              var choice = map[e.key.toLowerCase()];
              if (!choice) return;
              var button = document.querySelector('button[value="' + choice + '"]');
              if (button) { e.preventDefault(); button.click(); }
            });
            """;

    private String page() {
        StringBuilder h = new StringBuilder("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
                + "<title>workbench rate</title><style>" + STYLE + "</style></head><body>");
        int total = session.total();
        int rated = session.rated();
        Optional<RatingSession.Item> current = session.current();
        h.append("<h1>Which answer is better?</h1><div class=\"meta\">").append(rated).append(" of ").append(total)
                .append(" rated");
        current.ifPresent(i -> h.append(" · item ").append(i.index() + 1).append(" of ").append(total));
        h.append(" · saved to ").append(escape(session.outDir().toString())).append("</div>");
        h.append("<progress max=\"").append(total).append("\" value=\"").append(rated).append("\"></progress>");
        if (current.isEmpty()) {
            h.append("<div class=\"task\"><div class=\"text\">All ").append(total).append(" comparisons are rated. ");
            session.wins().forEach((model, n) -> h.append(escape(model)).append(": ").append(n).append(". "));
            h.append("You can close this page.</div></div></body></html>");
            return h.toString();
        }
        RatingSession.Item item = current.get();
        h.append("<div class=\"task\"><div class=\"label\">Instruction</div><div class=\"text\">")
                .append(escape(item.a().instruction())).append("</div>");
        if (!item.a().input().isEmpty()) {
            h.append("<div class=\"label\" style=\"margin-top:10px\">Input</div><div class=\"text\">")
                    .append(escape(item.a().input())).append("</div>");
        }
        h.append("</div><div class=\"answers\">");
        answer(h, "A", item.a().response());
        answer(h, "B", item.b().response());
        h.append("</div><form method=\"post\" action=\"choice\"><input type=\"hidden\" name=\"item\" value=\"")
                .append(item.id()).append("\"><div class=\"buttons\">")
                .append("<button class=\"pick\" name=\"choice\" value=\"a\"><kbd>A</kbd> A is better</button>")
                .append("<button class=\"pick\" name=\"choice\" value=\"b\"><kbd>B</kbd> B is better</button>")
                .append("<button name=\"choice\" value=\"tie\"><kbd>T</kbd> Tie</button>")
                .append("<button name=\"choice\" value=\"skip\"><kbd>S</kbd> Skip</button>")
                .append("</div></form><script>").append(KEYS).append("</script></body></html>");
        return h.toString();
    }

    private static void answer(StringBuilder h, String label, String text) {
        h.append("<div class=\"answer\"><div class=\"label\">Answer ").append(label).append("</div><div class=\"text\">")
                .append(escape(text)).append("</div></div>");
    }

    static String escape(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    private static Map<String, String> parseForm(String body) {
        Map<String, String> form = new HashMap<>();
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            if (eq <= 0) continue;
            form.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                    URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return form;
    }

    private static void send(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type + "; charset=utf-8");
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }
}
