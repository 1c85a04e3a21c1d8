package org.llmworkbench.kernel;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.UUID;
import org.dflib.jjava.jupyter.channels.JupyterSocket;
import org.dflib.jjava.jupyter.kernel.KernelConnectionProperties;
import org.dflib.jjava.jupyter.messages.ContentType;
import org.dflib.jjava.jupyter.messages.HMACGenerator;
import org.dflib.jjava.jupyter.messages.Header;
import org.dflib.jjava.jupyter.messages.Message;
import org.dflib.jjava.jupyter.messages.request.ExecuteRequest;
import org.slf4j.LoggerFactory;
import org.zeromq.SocketType;
import org.zeromq.ZMQ;

/**
 * A minimal Jupyter client over the same wire format as the kernel (jjava's message classes, HMAC
 * signed): a shell and a control DEALER and an IOPub SUB. It is what the kernel benchmark talks
 * through, so the figures include signing, ZeroMQ and JSON, as with a real frontend.
 */
public final class KernelClient implements AutoCloseable {
    private final ZMQ.Context context = ZMQ.context(1);
    private final String session = UUID.randomUUID().toString();
    private final ClientSocket shell;
    private final ClientSocket control;
    private final ClientSocket iopub;

    public KernelClient(KernelConnectionProperties p) throws java.security.GeneralSecurityException {
        HMACGenerator hmac = p.createHMACGenerator();
        shell = new ClientSocket(context, SocketType.DEALER, hmac);
        control = new ClientSocket(context, SocketType.DEALER, hmac);
        iopub = new ClientSocket(context, SocketType.SUB, hmac);
        iopub.subscribe(new byte[0]);
        shell.connect(address(p, p.getShellPort()));
        control.connect(address(p, p.getControlPort()));
        iopub.connect(address(p, p.getIopubPort()));
    }

    private static String address(KernelConnectionProperties p, int port) {
        return p.getTransport() + "://" + p.getIp() + ":" + port;
    }

    /** Sends a request on the shell socket; returns its msg_id. */
    public <T extends ContentType<T>> String send(T content) {
        return send(shell, content);
    }

    public <T extends ContentType<T>> String sendControl(T content) {
        return send(control, content);
    }

    private <T extends ContentType<T>> String send(ClientSocket socket, T content) {
        Header<T> header = new Header<>(session, content.getType());
        socket.sendMessage(new Message<>(header, content));
        return header.getId();
    }

    public String execute(String code) {
        return send(new ExecuteRequest(code, false, true, Map.of(), false, true));
    }

    /** A message from the kernel: its type, the msg_id of the request it answers, its metadata and content as JSON. */
    public record Received(String type, String parentId, JsonObject metadata, JsonObject content) {}

    /** The next shell reply to {@code msgId}, or null when none comes in time. */
    public Received shellReply(String msgId, Duration timeout) {
        return next(shell, msgId, null, timeout);
    }

    public Received controlReply(String msgId, Duration timeout) {
        return next(control, msgId, null, timeout);
    }

    /** The next IOPub message of {@code type} parented to {@code msgId}, or null when none comes in time. */
    public Received iopub(String msgId, String type, Duration timeout) {
        return next(iopub, msgId, type, timeout);
    }

    private static Received next(ClientSocket socket, String parentId, String type, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = (deadline - System.nanoTime()) / 1_000_000;
            if (left <= 0) return null;
            Received m = socket.receive(left);
            if (m == null) return null;
            if (!parentId.equals(m.parentId())) continue;
            if (type == null || type.equals(m.type())) return m;
        }
    }

    @Override
    public void close() {
        shell.close();
        control.close();
        iopub.close();
        context.close();
    }

    private static final class ClientSocket extends JupyterSocket {
        private static final byte[] DELIMITER = "<IDS|MSG>".getBytes(StandardCharsets.US_ASCII);
        private final ZMQ.Poller poller;

        ClientSocket(ZMQ.Context context, SocketType type, HMACGenerator hmac) {
            super(context, type, hmac, LoggerFactory.getLogger("KernelClient"));
            setLinger(0);
            setReconnectIVL(10); // the kernel binds after we connect: retry quickly
            poller = context.poller(1);
            poller.register(this, ZMQ.Poller.POLLIN);
        }

        /**
         * Reads one message, checking its signature. Content stays JSON: jjava's typed parsing
         * cannot read status messages (its adapter looks for "execution_result").
         */
        Received receive(long timeoutMs) {
            long deadline = System.nanoTime() + timeoutMs * 1_000_000;
            while (true) {
                long left = (deadline - System.nanoTime()) / 1_000_000;
                if (left <= 0 || poller.poll(left) <= 0) return null;
                byte[] frame = recv();
                while (!Arrays.equals(frame, DELIMITER)) frame = recv();
                String signature = recvStr();
                byte[] header = recv();
                byte[] parent = recv();
                byte[] metadata = recv();
                byte[] content = recv();
                while (hasReceiveMore()) recv();
                String expected = hmacGenerator.calculateSignature(header, parent, metadata, content);
                if (!expected.equals(signature)) continue; // not from our kernel
                JsonObject h = JsonParser.parseString(new String(header, StandardCharsets.UTF_8)).getAsJsonObject();
                JsonElement p = JsonParser.parseString(new String(parent, StandardCharsets.UTF_8));
                String parentId = p.isJsonObject() && p.getAsJsonObject().has("msg_id")
                        ? p.getAsJsonObject().get("msg_id").getAsString() : null;
                return new Received(h.get("msg_type").getAsString(), parentId,
                        JsonParser.parseString(new String(metadata, StandardCharsets.UTF_8)).getAsJsonObject(),
                        JsonParser.parseString(new String(content, StandardCharsets.UTF_8)).getAsJsonObject());
            }
        }

        @Override
        public void bind(KernelConnectionProperties connProps) {
            throw new UnsupportedOperationException("a client connects; the kernel binds");
        }

        @Override
        public void close() {
            poller.close();
            super.close();
        }
    }
}
