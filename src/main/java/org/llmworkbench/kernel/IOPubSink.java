package org.llmworkbench.kernel;

import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.dflib.jjava.jupyter.messages.publish.PublishClearOutput;
import org.dflib.jjava.jupyter.messages.publish.PublishDisplayData;
import org.dflib.jjava.jupyter.messages.publish.PublishStream;
import org.dflib.jjava.jupyter.messages.publish.PublishUpdateDisplayData;
import org.llmworkbench.notebook.DisplayData;
import org.llmworkbench.notebook.OutputSink;

/**
 * Where a running cell's output goes in the kernel: stream, display_data and update_display_data
 * messages on IOPub, parented to the cell's execute_request. A training loop may print thousands of
 * lines; like IPython we gather text for a few milliseconds and send it as one stream message, but
 * flush before anything else is shown so the order of text and displays is kept.
 */
final class IOPubSink implements OutputSink {
    static final long STREAM_FLUSH_MS = 30;

    private static final ScheduledExecutorService FLUSHER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "kernel-stream-flush");
        t.setDaemon(true);
        return t;
    });

    private final Request<?> request;
    private final StringBuilder pending = new StringBuilder();
    private PublishStream.StreamType pendingType;
    private ScheduledFuture<?> scheduled;

    /** Reads a line from the frontend (input_request on the stdin channel); null when the frontend allows no input. */
    interface Input {
        String readLine(Request<?> request, String prompt, boolean password) throws java.io.IOException;
    }

    private final Input input;
    private boolean saidNoInput;

    IOPubSink(Request<?> request) {
        this(request, null);
    }

    IOPubSink(Request<?> request, Input input) {
        this.request = request;
        this.input = input;
    }

    /**
     * System.in of a cell: a text box in the frontend, as IPython's input() and IJava give. A frontend that
     * sent allow_stdin=false (nbconvert, papermill) gets end of input, said once on stderr.
     */
    @Override
    public String readLine(String prompt, boolean password) throws java.io.IOException {
        flush();
        if (input == null) {
            if (!saidNoInput) stderr("note: this frontend does not take input (allow_stdin is false): System.in is at its end\n");
            saidNoInput = true;
            flush();
            return null;
        }
        return input.readLine(request, prompt, password);
    }

    @Override
    public void stdout(String text) {
        append(PublishStream.StreamType.OUT, text);
    }

    @Override
    public void stderr(String text) {
        append(PublishStream.StreamType.ERR, text);
    }

    private synchronized void append(PublishStream.StreamType type, String text) {
        if (text.isEmpty()) return;
        if (pendingType != null && pendingType != type) flush();
        pendingType = type;
        pending.append(text);
        if (scheduled == null) scheduled = FLUSHER.schedule(this::flush, STREAM_FLUSH_MS, TimeUnit.MILLISECONDS);
    }

    /** Sends the gathered text now. */
    synchronized void flush() {
        if (scheduled != null) {
            scheduled.cancel(false);
            scheduled = null;
        }
        if (pending.length() == 0) return;
        request.publish(new PublishStream(pendingType, pending.toString()));
        pending.setLength(0);
        pendingType = null;
    }

    @Override
    public synchronized void display(DisplayData data, String displayId) {
        flush();
        request.publish(new PublishDisplayData(toJupyter(data, displayId)));
    }

    @Override
    public synchronized void updateDisplay(DisplayData data, String displayId) {
        flush();
        request.publish(new PublishUpdateDisplayData(toJupyter(data, displayId)));
    }

    @Override
    public synchronized void clearOutput(boolean wait) {
        flush();
        request.publish(wait ? PublishClearOutput.BEFORE_NEXT_OUTPUT : PublishClearOutput.NOW);
    }

    /** The engine's mime bundle as jjava's message content (binary types are already base64 text). */
    static org.dflib.jjava.jupyter.kernel.display.DisplayData toJupyter(DisplayData data, String displayId) {
        org.dflib.jjava.jupyter.kernel.display.DisplayData out = new org.dflib.jjava.jupyter.kernel.display.DisplayData();
        for (Map.Entry<String, String> e : data.data().entrySet()) out.putData(e.getKey(), e.getValue());
        if (displayId != null) out.setDisplayId(displayId);
        return out;
    }

    /** For silent execute requests: nothing is broadcast. */
    static OutputSink discarding() {
        return new OutputSink() {
            @Override public void stdout(String text) {}
            @Override public void stderr(String text) {}
            @Override public void display(DisplayData data, String displayId) {}
            @Override public void updateDisplay(DisplayData data, String displayId) {}
            @Override public void clearOutput(boolean wait) {}
        };
    }
}
