package org.llmworkbench.kernel;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.dflib.jjava.jupyter.channels.HeartbeatChannel;
import org.dflib.jjava.jupyter.channels.StdinChannel;
import org.dflib.jjava.jupyter.kernel.HelpLink;
import org.dflib.jjava.jupyter.kernel.KernelConnectionProperties;
import org.dflib.jjava.jupyter.kernel.LanguageInfo;
import org.dflib.jjava.jupyter.messages.HMACGenerator;
import org.dflib.jjava.jupyter.messages.Header;
import org.dflib.jjava.jupyter.messages.Message;
import org.dflib.jjava.jupyter.messages.MessageType;
import org.dflib.jjava.jupyter.messages.publish.PublishError;
import org.dflib.jjava.jupyter.messages.publish.PublishExecuteInput;
import org.dflib.jjava.jupyter.messages.publish.PublishExecuteResult;
import org.dflib.jjava.jupyter.messages.publish.PublishStatus;
import org.dflib.jjava.jupyter.messages.publish.PublishStream;
import org.dflib.jjava.jupyter.messages.reply.CompleteReply;
import org.dflib.jjava.jupyter.messages.reply.ErrorReply;
import org.dflib.jjava.jupyter.messages.reply.InputReply;
import org.dflib.jjava.jupyter.messages.reply.IsCompleteReply;
import org.dflib.jjava.jupyter.messages.request.CompleteRequest;
import org.dflib.jjava.jupyter.messages.request.ExecuteRequest;
import org.dflib.jjava.jupyter.messages.request.HistoryRequest;
import org.dflib.jjava.jupyter.messages.request.InputRequest;
import org.dflib.jjava.jupyter.messages.request.InspectRequest;
import org.dflib.jjava.jupyter.messages.request.IsCompleteRequest;
import org.dflib.jjava.jupyter.messages.request.ShutdownRequest;
import org.llmworkbench.Workbench;
import org.llmworkbench.notebook.CellError;
import org.llmworkbench.notebook.CellResult;
import org.llmworkbench.notebook.NotebookEngine;
import org.llmworkbench.notebook.OutputCapture;
import org.llmworkbench.notebook.OutputSink;
import org.zeromq.ZMQ;

/**
 * The Jupyter kernel: the Jupyter wire protocol (jjava's sockets and message classes) in front of
 * a {@link NotebookEngine}. The engine owns System.out and System.err; each cell gets an
 * {@link IOPubSink}, so what a cell prints is published while it runs.
 *
 * <p>Start-up is split so Jupyter sees a live kernel at once: the sockets are bound first and
 * answer kernel_info, while the engine (JShell and the compiler behind it) starts on another
 * thread; the first execute request waits for it.
 */
public final class WorkbenchKernel {
    public static final String IMPLEMENTATION = "llm-workbench";
    /** Set to true to print start-up timings on stderr ({@code workbench bench kernel} reads them). */
    public static final String TIMING_PROPERTY = "workbench.kernel.timing";
    /** Epoch milliseconds at which the launcher started this JVM, for the start-up timings. */
    public static final String LAUNCHED_PROPERTY = "workbench.kernel.launched";

    private final KernelConnectionProperties connection;
    private final PrintStream log = OutputCapture.originalErr();
    private final ZMQ.Context context = ZMQ.context(1);
    private final HeartbeatChannel heartbeat;
    private final IOPub iopub;
    private final StdinChannel stdin;
    private final RequestChannel shell;
    private final RequestChannel control;
    private final CompletableFuture<NotebookEngine> engine;
    private final KernelHistory history;
    private final AtomicInteger executionCount = new AtomicInteger();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final boolean timing = Boolean.getBoolean(TIMING_PROPERTY);
    private final String session = java.util.UUID.randomUUID().toString();
    private volatile boolean shuttingDown;
    /** Set by an interrupt: a cell waiting for input stops waiting. */
    private volatile boolean inputInterrupted;

    public WorkbenchKernel(KernelConnectionProperties connection) {
        this.connection = connection;
        this.engine = startEngine(timing, log);
        this.history = new KernelHistory(KernelHistory.location(System.getenv()), log);
        HMACGenerator hmac;
        try {
            hmac = connection.createHMACGenerator();
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("the connection file's signature_scheme '" + connection.getSignatureScheme()
                    + "' is not supported by this JVM; use hmac-sha256", e);
        }
        this.heartbeat = new HeartbeatChannel(context, hmac, 100);
        this.iopub = new IOPub(context, hmac);
        this.stdin = new StdinChannel(context, hmac);
        this.shell = new RequestChannel(context, hmac, false, iopub, log);
        this.control = new RequestChannel(context, hmac, true, iopub, log);
        registerHandlers();
    }

    /** Reads a Jupyter connection file, saying what is wrong with it when it can't be used. */
    public static KernelConnectionProperties readConnectionFile(Path file) throws IOException {
        String raw;
        try {
            raw = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new IOException("connection file " + file.toAbsolutePath() + " does not exist; Jupyter passes it as "
                    + "{connection_file} when it starts the kernel", e);
        }
        KernelConnectionProperties p;
        try {
            p = KernelConnectionProperties.parse(raw);
        } catch (RuntimeException e) {
            throw new IOException("connection file " + file + " is not valid JSON: " + e.getMessage(), e);
        }
        if (p == null || p.getIp() == null || p.getTransport() == null) {
            throw new IOException("connection file " + file + " lacks 'ip' or 'transport'");
        }
        int[] ports = {p.getShellPort(), p.getControlPort(), p.getIopubPort(), p.getStdinPort(), p.getHbPort()};
        String[] names = {"shell_port", "control_port", "iopub_port", "stdin_port", "hb_port"};
        for (int i = 0; i < ports.length; i++) {
            if (ports[i] <= 0 || ports[i] > 65535) {
                throw new IOException("connection file " + file + ": " + names[i] + " is " + ports[i] + ", expected 1..65535");
            }
        }
        return p;
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: java " + WorkbenchKernel.class.getName() + " CONNECTION_FILE");
            System.exit(2);
        }
        org.llmworkbench.model.Devices.prepareEngine(); // before any cell creates a tensor
        startEngine(Boolean.getBoolean(TIMING_PROPERTY), OutputCapture.originalErr());
        run(Path.of(args[0]));
        System.exit(0);
    }

    /** Runs a kernel on the given connection file until a shutdown request (or SIGTERM). */
    public static void run(Path connectionFile) throws IOException, InterruptedException {
        WorkbenchKernel kernel = new WorkbenchKernel(readConnectionFile(connectionFile));
        kernel.start();
        kernel.awaitShutdown();
    }

    /**
     * The engine takes longest to start (JShell loads and warms the compiler), so it starts on its
     * own thread before anything else, while the connection file is read and the sockets bound.
     */
    private static final CompletableFuture<NotebookEngine> ENGINE = new CompletableFuture<>();
    private static final java.util.concurrent.atomic.AtomicBoolean ENGINE_STARTED = new java.util.concurrent.atomic.AtomicBoolean();

    static CompletableFuture<NotebookEngine> startEngine(boolean timing, PrintStream log) {
        if (ENGINE_STARTED.compareAndSet(false, true)) {
            Thread starter = new Thread(() -> buildEngine(timing, log), "kernel-engine-start");
            starter.setDaemon(true);
            starter.start();
        }
        return ENGINE;
    }

    public void start() {
        heartbeat.bind(connection);
        iopub.bind(connection);
        stdin.bind(connection);
        control.bind(connection);
        shell.bind(connection);
        iopub.publish(new Message<>(new Header<>(session, PublishStatus.MESSAGE_TYPE), PublishStatus.STARTING));
        if (timing) log.printf("llm-workbench kernel: sockets bound at %d ms after launch%n", sinceLaunch());
        installSigintHandler();
    }

    private static void buildEngine(boolean timing, PrintStream log) {
        try {
            long t0 = System.nanoTime();
            NotebookEngine e = new NotebookEngine();
            long built = System.nanoTime();
            // warm the paths a first cell takes (analysis, wrapper compile, class loading) without defining anything
            e.isComplete("1 + 1");
            e.execute("import java.util.*;", OutputSink.console());
            if (timing) {
                log.printf("llm-workbench kernel: engine built in %d ms, warmed up in %d ms, ready at %d ms after launch%n",
                        (built - t0) / 1_000_000, (System.nanoTime() - built) / 1_000_000, sinceLaunch());
            }
            ENGINE.complete(e);
        } catch (Throwable t) {
            log.println("llm-workbench kernel: the notebook engine failed to start: " + t);
            t.printStackTrace(log);
            ENGINE.completeExceptionally(t);
        }
    }

    /** Milliseconds since whoever started this JVM says it did ({@link #LAUNCHED_PROPERTY}), else since the JVM started. */
    static long sinceLaunch() {
        String launched = System.getProperty(LAUNCHED_PROPERTY);
        if (launched != null) return System.currentTimeMillis() - Long.parseLong(launched);
        return java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime();
    }

    /** SIGINT (interrupt_mode "signal", or Ctrl-C in a terminal) stops the running cell, not the kernel. */
    private void installSigintHandler() {
        try {
            sun.misc.Signal.handle(new sun.misc.Signal("INT"), sig -> interruptCell());
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            log.println("llm-workbench kernel: SIGINT cannot be handled here (" + e.getMessage() + "); use interrupt requests");
        }
    }

    public void awaitShutdown() throws InterruptedException {
        stopped.await();
    }

    private void registerHandlers() {
        for (RequestChannel channel : List.of(shell, control)) {
            channel.on(MessageType.KERNEL_INFO_REQUEST, this::kernelInfo);
            channel.on(MessageType.SHUTDOWN_REQUEST, this::shutdown);
            channel.on(MessageType.INTERRUPT_REQUEST, this::interrupt);
        }
        shell.on(MessageType.EXECUTE_REQUEST, this::execute);
        shell.on(MessageType.COMPLETE_REQUEST, this::complete);
        shell.on(MessageType.INSPECT_REQUEST, this::inspect);
        shell.on(MessageType.IS_COMPLETE_REQUEST, this::isComplete);
        shell.on(MessageType.COMM_INFO_REQUEST, r -> r.reply(MessageType.COMM_INFO_REPLY, Map.of("status", "ok", "comms", Map.of()), null));
        shell.on(MessageType.HISTORY_REQUEST, this::history);
    }

    static LanguageInfo languageInfo() {
        return new LanguageInfo.Builder("java")
                .version(System.getProperty("java.specification.version"))
                .mimetype("text/x-java-source")
                .fileExtension(".jshell")
                .pygments("java")
                .codemirror("text/x-java")
                .build();
    }

    static String banner() {
        return "llm-workbench " + Workbench.version() + " on Java " + Workbench.javaVersion() + " (JShell)\n"
                + "Cells are Java snippets; java.util.*, java.nio.file.* and org.llmworkbench.* are imported.\n"
                + "display(obj), markdown(text), html(text) show rich output; %classpath, %maven, %load, %%time work.";
    }

    private void kernelInfo(Request<?> r) {
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("status", "ok");
        info.put("protocol_version", Header.PROTOCOL_VERISON);
        info.put("implementation", IMPLEMENTATION);
        info.put("implementation_version", Workbench.version());
        info.put("language_info", languageInfo());
        info.put("banner", banner());
        info.put("debugger", false);
        info.put("help_links", List.of(new HelpLink("JShell", "https://docs.oracle.com/en/java/javase/17/jshell/"),
                new HelpLink("Java 17 API", "https://docs.oracle.com/en/java/javase/17/docs/api/")));
        r.reply(MessageType.KERNEL_INFO_REPLY, info, null);
    }

    private NotebookEngine engine() {
        return engine.join();
    }

    private void execute(Request<ExecuteRequest> r) {
        ExecuteRequest req = r.content();
        boolean silent = req.isSilent();
        boolean store = !silent && req.shouldStoreHistory();
        int count = store ? executionCount.incrementAndGet() : executionCount.get();
        if (!silent) r.publish(new PublishExecuteInput(req.getCode(), count));
        if (store) history.input(count, req.getCode());
        Optional<String> helpFor = helpTarget(req.getCode());
        if (helpFor.isPresent()) {
            page(r, helpFor.get(), count);
            return;
        }
        CellResult result;
        IOPubSink sink = new IOPubSink(r, req.isStdinEnabled() ? this::readInput : null);
        try {
            result = engine().execute(req.getCode(), silent ? IOPubSink.discarding() : sink);
        } catch (RuntimeException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            result = CellResult.failed(new CellError("EngineError", "the notebook engine is not available: " + cause, 0,
                    List.of("the notebook engine is not available: " + cause,
                            "restart the kernel; if it fails again, run 'workbench run' to see the start-up error")), 0);
        }
        sink.flush();
        // the engine's own time, so a client can tell protocol overhead from cell work
        Map<String, Object> metadata = Map.of("status", result.isOk() ? "ok" : "error",
                "workbench_cell_ms", result.wallNanos() / 1e6);
        if (result.isOk()) {
            if (!silent && result.value() != null && !result.value().isEmpty()) {
                r.publish(new PublishExecuteResult(count, IOPubSink.toJupyter(result.value(), null)));
                if (store) history.output(count, result.value().plainText());
            }
            r.reply(MessageType.EXECUTE_REPLY, executeOk(count, List.of()), metadata);
        } else {
            CellError error = result.error();
            List<String> traceback = traceback(error);
            if (!silent) r.publish(new PublishError(error.name(), error.message(), traceback));
            ErrorReply reply = new ErrorReply(error.name(), error.message(), traceback);
            reply.setExecutionCount(count);
            // take the already-queued cells first: once the reply is out, the client may send new ones
            if (req.shouldStopOnError()) r.abortQueued();
            r.replyError(MessageType.EXECUTE_REPLY, reply, metadata);
        }
    }

    /**
     * Asks the frontend for a line (input_request on the stdin socket, parented to the cell's
     * execute_request) and waits for its input_reply, looking every 200 ms whether the cell was
     * interrupted meanwhile: a frontend whose user presses stop never answers.
     */
    private String readInput(Request<?> r, String prompt, boolean password) throws java.io.IOException {
        synchronized (stdin) {
            inputInterrupted = false;
            Header<InputRequest> header = new Header<>(r.message(), InputRequest.MESSAGE_TYPE);
            String requestId = header.getId();
            stdin.sendMessage(new Message<>(r.message().getIdentities(), header, r.message().getHeader(), Map.of(),
                    new InputRequest(prompt, password), null));
            ZMQ.Poller poller = context.poller(1);
            try {
                poller.register(stdin, ZMQ.Poller.POLLIN);
                while (true) {
                    if (inputInterrupted || Thread.currentThread().isInterrupted() || shuttingDown) {
                        throw new java.io.InterruptedIOException("the cell was interrupted while it waited for input");
                    }
                    if (poller.poll(200) <= 0 || !poller.pollin(0)) continue;
                    Message<?> reply = stdin.readMessage();
                    Header<?> parent = reply.getParentHeader();
                    // an answer to an earlier request (its cell was interrupted) is not this one's
                    if (parent != null && !requestId.equals(parent.getId())) continue;
                    if (reply.getContent() instanceof InputReply answer) return answer.getValue();
                }
            } finally {
                poller.close();
            }
        }
    }

    static Map<String, Object> executeOk(int count, List<Map<String, Object>> payload) {
        return Map.of("status", "ok", "execution_count", count, "user_expressions", Map.of(), "payload", payload);
    }

    private static final Pattern HELP = Pattern.compile("\\s*(?:\\?{1,2}\\s*([\\w$.]+)|([\\w$.]+)\\s*\\?{1,2})\\s*");

    /** IPython's help syntax, {@code name?} or {@code ?name}: the name asked about (not Java, so no cell is mistaken for it). */
    static Optional<String> helpTarget(String code) {
        Matcher m = HELP.matcher(code);
        if (!m.matches()) return Optional.empty();
        return Optional.of(m.group(1) != null ? m.group(1) : m.group(2));
    }

    /** Answers {@code name?} as IPython does: the docs go to the frontend's pager, as a payload of the reply. */
    private void page(Request<ExecuteRequest> r, String name, int count) {
        Optional<String> doc = engine().inspect(name, name.length());
        List<Map<String, Object>> payload = List.of();
        if (doc.isPresent()) {
            payload = List.of(Map.of("source", "page", "data", Map.of("text/plain", doc.get()), "start", 0));
        } else {
            r.publish(new PublishStream(PublishStream.StreamType.ERR, "no documentation found for " + name + "\n"));
        }
        r.reply(MessageType.EXECUTE_REPLY, executeOk(count, payload), Map.of("status", "ok"));
    }

    /** The engine's traceback, with the error and its cell line on top when the lines don't already say it. */
    static List<String> traceback(CellError error) {
        List<String> lines = new ArrayList<>();
        boolean namesLine = error.traceback().stream().anyMatch(l -> l.contains("cell line"));
        if (!namesLine || error.traceback().isEmpty()) lines.add(error.summary());
        lines.addAll(error.traceback());
        return lines;
    }

    private void complete(Request<CompleteRequest> r) {
        String code = r.content().getCode();
        int cursor = charIndex(code, r.content().getCursorPos());
        NotebookEngine.Completion c = engine().complete(code, cursor);
        r.reply(new CompleteReply(c.matches(), codePointIndex(code, c.start()), codePointIndex(code, c.end()), Map.of()));
    }

    private void inspect(Request<InspectRequest> r) {
        String code = r.content().getCode();
        Optional<String> doc = engine().inspect(code, charIndex(code, r.content().getCursorPos()));
        r.reply(MessageType.INSPECT_REPLY, Map.of("status", "ok", "found", doc.isPresent(),
                "data", doc.map(d -> Map.of("text/plain", d)).orElse(Map.of()), "metadata", Map.of()), null);
    }

    /** history_request: tail, range or search over this user's inputs of all sessions (see {@link KernelHistory}). */
    private void history(Request<HistoryRequest> r) {
        HistoryRequest req = r.content();
        List<KernelHistory.Entry> entries = switch (req.getAccessType()) {
            case TAIL -> history.tail(((HistoryRequest.Tail) req).getMaxReturnLength());
            case RANGE -> {
                HistoryRequest.Range q = (HistoryRequest.Range) req;
                yield history.range(q.getSessionIndex(), q.getStart(), q.getStop());
            }
            case SEARCH -> {
                HistoryRequest.Search q = (HistoryRequest.Search) req;
                yield history.search(q.getPattern(), q.getMaxReturnLength(), q.filterUnique());
            }
        };
        // each entry is [session, line, input], or [session, line, [input, output]] with output=True (output may be null)
        List<List<Object>> rows = entries.stream()
                .map(e -> List.<Object>of(e.session(), e.line(), req.includeOutput() ? Arrays.asList(e.input(), e.output()) : e.input()))
                .toList();
        r.reply(MessageType.HISTORY_REPLY, Map.of("status", "ok", "history", rows), null);
    }

    private void isComplete(Request<IsCompleteRequest> r) {
        String code = r.content().getCode();
        ConsoleInput input = ConsoleInput.of(code);
        NotebookEngine e = engine.getNow(null);
        // still starting: answer from the brackets rather than make a console wait (it gives up after 1 s)
        String status = e != null ? e.isComplete(code) : input.needsMore() ? "incomplete" : "complete";
        r.reply(switch (status) {
            case "complete" -> IsCompleteReply.VALID_CODE;
            case "incomplete" -> IsCompleteReply.getIncompleteReplyWithIndent(input.nextIndent());
            case "invalid" -> IsCompleteReply.INVALID_CODE;
            default -> IsCompleteReply.UNKNOWN;
        });
    }

    private void interrupt(Request<?> r) {
        interruptCell();
        r.reply(MessageType.INTERRUPT_REPLY, Map.of("status", "ok"), null);
    }

    private void interruptCell() {
        inputInterrupted = true;
        NotebookEngine e = engine.getNow(null);
        if (e != null) e.interrupt();
    }

    private void shutdown(Request<ShutdownRequest> r) {
        boolean restart = r.content().isRestart();
        r.reply(MessageType.SHUTDOWN_REPLY, Map.of("status", "ok", "restart", restart), null);
        // the reply and the idle status must leave before the sockets close, so stop on another thread
        Thread t = new Thread(this::stop, "kernel-shutdown");
        t.start();
    }

    /** Stops the running cell, the channels and the engine; {@link #awaitShutdown()} then returns. */
    public void stop() {
        if (shuttingDown) return;
        shuttingDown = true;
        interruptCell();
        shell.stop();
        control.stop();
        shell.awaitStopped(2000);
        control.awaitStopped(2000);
        heartbeat.close();
        shell.close();
        control.close();
        stdin.close();
        iopub.close();
        context.close();
        NotebookEngine e = engine.getNow(null);
        if (e != null) e.close();
        history.close();
        stopped.countDown();
    }

    /** Positions in Jupyter messages count Unicode code points; Java strings count UTF-16 units. */
    static int charIndex(String s, int codePoints) {
        int cps = Math.max(0, Math.min(codePoints, s.codePointCount(0, s.length())));
        return s.offsetByCodePoints(0, cps);
    }

    static int codePointIndex(String s, int charIndex) {
        return s.codePointCount(0, Math.max(0, Math.min(charIndex, s.length())));
    }
}
