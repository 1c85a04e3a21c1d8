package org.llmworkbench.kernel;

import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.dflib.jjava.jupyter.channels.JupyterSocket;
import org.dflib.jjava.jupyter.kernel.KernelConnectionProperties;
import org.dflib.jjava.jupyter.messages.HMACGenerator;
import org.dflib.jjava.jupyter.messages.Message;
import org.dflib.jjava.jupyter.messages.MessageType;
import org.dflib.jjava.jupyter.messages.RequestType;
import org.dflib.jjava.jupyter.messages.reply.ErrorReply;
import org.dflib.jjava.jupyter.messages.publish.PublishStatus;
import org.slf4j.LoggerFactory;
import org.zeromq.SocketType;
import org.zeromq.ZMQ;

/**
 * The shell or the control socket, served by its own thread. jjava's {@code ShellChannel} sleeps
 * 50 ms between polls (latency on every request) and its thread dies on the first message with a
 * wrong signature, leaving the kernel deaf. This channel blocks in poll, so a request is read the
 * moment it arrives (the 50 ms timeout only bounds how long a shutdown waits), and drops a badly
 * signed message without acting on it.
 */
final class RequestChannel extends JupyterSocket {
    private static final int POLL_MS = 50;

    private final String name;
    private final boolean control;
    private final IOPub iopub;
    private final PrintStream log;
    private final Map<MessageType<?>, Consumer<Request<?>>> handlers = new ConcurrentHashMap<>();
    private volatile boolean running;
    /** Requests read off the socket by {@link #abortQueued()}, handled once the failing request is done. */
    private final java.util.ArrayDeque<Message<?>> queuedBeforeFailure = new java.util.ArrayDeque<>();
    private ZMQ.Poller poller;
    private Thread thread;

    RequestChannel(ZMQ.Context context, HMACGenerator hmac, boolean control, IOPub iopub, PrintStream log) {
        super(context, SocketType.ROUTER, hmac, LoggerFactory.getLogger(control ? "ControlChannel" : "ShellChannel"));
        this.name = control ? "control" : "shell";
        this.control = control;
        this.iopub = iopub;
        this.log = log;
        setLinger(1000);
    }

    @SuppressWarnings("unchecked")
    <T> void on(MessageType<T> type, Consumer<Request<T>> handler) {
        handlers.put(type, r -> handler.accept((Request<T>) r));
    }

    @Override
    public void bind(KernelConnectionProperties p) {
        super.bind(formatAddress(p.getTransport(), p.getIp(), control ? p.getControlPort() : p.getShellPort()));
        running = true;
        thread = new Thread(this::serve, "kernel-" + name);
        thread.setDaemon(true);
        thread.start();
    }

    private void serve() {
        poller = ctx.poller(1);
        poller.register(this, ZMQ.Poller.POLLIN);
        while (running) {
            if (poller.poll(POLL_MS) <= 0 || !running) continue;
            Message<?> message = read();
            if (message != null) dispatch(message);
            if (!queuedBeforeFailure.isEmpty()) abortQueuedExecutions();
        }
        poller.close();
    }

    /** The next message, or null when it was dropped (wrong signature, unreadable). */
    private Message<?> read() {
        try {
            return readMessage();
        } catch (SecurityException e) {
            log.println("llm-workbench kernel: dropped a " + name + " message with a wrong signature");
        } catch (RuntimeException e) {
            log.println("llm-workbench kernel: dropped an unreadable " + name + " message: " + e);
        }
        return null;
    }

    /**
     * After a cell fails with stop_on_error, the cells the frontend already queued ("Run All") are
     * not run on top of the broken state: each gets an "aborted" reply, as IPython does. Called on
     * this channel's thread by the failing request's handler <em>before</em> it sends its error
     * reply: only requests that arrived before the client could have seen the failure are taken,
     * so a cell the client sends in answer to the error (a fix, a retry) always runs.
     */
    void abortQueued() {
        if (Thread.currentThread() != thread) throw new IllegalStateException("abortQueued must run on the " + name + " thread");
        while (running && poller.poll(0) > 0) {
            Message<?> message = read();
            if (message != null) queuedBeforeFailure.add(message);
        }
    }

    private void abortQueuedExecutions() {
        while (!queuedBeforeFailure.isEmpty()) {
            Message<?> message = queuedBeforeFailure.poll();
            if (message.getHeader().getType() != MessageType.EXECUTE_REQUEST) {
                dispatch(message);
                continue;
            }
            Request<?> request = new Request<>(message, this, iopub);
            request.publish(PublishStatus.BUSY);
            request.replyAborted();
            request.publish(PublishStatus.IDLE);
        }
    }

    private void dispatch(Message<?> message) {
        Consumer<Request<?>> handler = handlers.get(message.getHeader().getType());
        if (handler == null) return; // comm messages and other optional requests: nothing to say
        Request<?> request = new Request<>(message, this, iopub);
        request.publish(PublishStatus.BUSY);
        try {
            handler.accept(request);
        } catch (RuntimeException e) {
            log.println("llm-workbench kernel: " + message.getHeader().getType() + " failed: " + e);
            e.printStackTrace(log);
            // the frontend waits for a reply: say what went wrong instead of leaving it hanging
            if (message.getContent() instanceof RequestType<?> rt) {
                Throwable cause = e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
                request.replyError(rt.getReplyType(), new ErrorReply(cause.getClass().getSimpleName(),
                        String.valueOf(cause.getMessage()), List.of(cause.toString())), null);
            }
        } finally {
            request.publish(PublishStatus.IDLE);
        }
    }

    /** Stops serving (from any thread); the socket is closed by {@link #close()} once the thread is gone. */
    void stop() {
        running = false;
    }

    void awaitStopped(long millis) {
        if (thread == null || thread == Thread.currentThread()) return;
        try {
            thread.join(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
