package org.llmworkbench.notebook;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Cells run in this JVM, so their System.out and System.err are the JVM's. We replace both once
 * with streams that forward to the running cell's sink, and to the original console otherwise.
 */
public final class OutputCapture {
    private static volatile PrintStream consoleOut = System.out;
    private static volatile PrintStream consoleErr = System.err;
    private static volatile java.io.InputStream consoleIn = System.in;
    private static java.io.BufferedReader consoleReader;
    private static CellInput in;
    private static CellStream out;
    private static CellStream err;
    private static PrintStream outPrinter;
    private static PrintStream errPrinter;

    private OutputCapture() {}

    /** Where output goes when no cell is running: the System.out we found when we installed ourselves. */
    public static PrintStream originalOut() {
        return consoleOut;
    }

    public static PrintStream originalErr() {
        return consoleErr;
    }

    /** Installs the forwarding streams, again if something (a test, a library) replaced them since. */
    static synchronized void install() {
        if (out == null) {
            out = new CellStream(false);
            err = new CellStream(true);
            outPrinter = new PrintStream(out, true, StandardCharsets.UTF_8);
            errPrinter = new PrintStream(err, true, StandardCharsets.UTF_8);
        }
        if (System.out != outPrinter) {
            consoleOut = System.out;
            System.setOut(outPrinter);
        }
        if (System.err != errPrinter) {
            consoleErr = System.err;
            System.setErr(errPrinter);
        }
        if (in == null) in = new CellInput();
        if (System.in != in) {
            consoleIn = System.in;
            System.setIn(in);
        }
    }

    /** A line of the JVM's own standard input (what System.in was before the cells got theirs); null at its end. */
    static synchronized String readConsoleLine() throws java.io.IOException {
        if (consoleReader == null) consoleReader = new java.io.BufferedReader(new java.io.InputStreamReader(consoleIn, StandardCharsets.UTF_8));
        return consoleReader.readLine();
    }

    /**
     * System.in of the cells: when a cell reads and nothing is buffered, the output so far is sent (so a
     * prompt printed with System.out.print shows first) and the running cell's sink is asked for a line.
     */
    private static final class CellInput extends java.io.InputStream {
        private byte[] line = new byte[0];
        private int pos;

        @Override
        public synchronized int read() throws java.io.IOException {
            if (!fill()) return -1;
            return line[pos++] & 0xFF;
        }

        @Override
        public synchronized int read(byte[] b, int off, int len) throws java.io.IOException {
            java.util.Objects.checkFromIndexSize(off, len, b.length);
            if (len == 0) return 0;
            if (!fill()) return -1;
            int n = Math.min(len, line.length - pos);
            System.arraycopy(line, pos, b, off, n);
            pos += n;
            return n;
        }

        @Override
        public synchronized int available() {
            return line.length - pos;
        }

        /** False at the end of input. */
        private boolean fill() throws java.io.IOException {
            if (pos < line.length) return true;
            flush();
            String text = CurrentCell.sink().readLine("", false);
            if (text == null) return false;
            line = (text + "\n").getBytes(StandardCharsets.UTF_8);
            pos = 0;
            return true;
        }
    }

    /** Forwards buffered text now, so it appears before whatever the cell shows next. */
    static void flush() {
        if (out == null) return;
        System.out.flush();
        System.err.flush();
        out.flush();
        err.flush();
    }

    private static final class CellStream extends OutputStream {
        private final boolean isErr;
        private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();

        CellStream(boolean isErr) {
            this.isErr = isErr;
        }

        @Override
        public synchronized void write(int b) {
            buffer.write(b);
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            buffer.write(b, off, len);
        }

        @Override
        public void flush() {
            String text;
            synchronized (this) {
                if (buffer.size() == 0) return;
                byte[] bytes = buffer.toByteArray();
                int complete = completeUtf8Prefix(bytes);
                text = new String(bytes, 0, complete, StandardCharsets.UTF_8);
                buffer.reset();
                buffer.write(bytes, complete, bytes.length - complete);
            }
            if (text.isEmpty()) return;
            OutputSink sink = CurrentCell.sink();
            if (isErr) sink.stderr(text); else sink.stdout(text);
        }

        /** Length of the prefix that ends on a whole UTF-8 character, so a split character waits for its rest. */
        private static int completeUtf8Prefix(byte[] b) {
            int n = b.length;
            for (int back = 1; back <= 3 && n - back >= 0; back++) {
                int lead = b[n - back] & 0xFF;
                if ((lead & 0xC0) == 0x80) continue; // continuation byte
                int need = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
                return need > back ? n - back : n;
            }
            return n;
        }
    }
}
