package org.llmworkbench.kernel;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.dflib.jjava.jupyter.channels.JupyterSocket;
import org.dflib.jjava.jupyter.kernel.KernelConnectionProperties;
import org.dflib.jjava.jupyter.messages.HMACGenerator;
import org.dflib.jjava.jupyter.messages.Message;
import org.slf4j.LoggerFactory;
import org.zeromq.SocketType;
import org.zeromq.ZMQ;

/**
 * The broadcast socket. Cells publish from their own thread while the shell and control threads
 * publish status, so every send goes through jjava's synchronized {@code sendMessage}; once the
 * kernel is shutting down, sends are dropped instead of failing.
 */
final class IOPub extends JupyterSocket {
    IOPub(ZMQ.Context context, HMACGenerator hmac) {
        super(context, SocketType.PUB, hmac, LoggerFactory.getLogger("IOPubChannel"));
        setLinger(1000);
    }

    @Override
    public void bind(KernelConnectionProperties p) {
        super.bind(formatAddress(p.getTransport(), p.getIp(), p.getIopubPort()));
    }

    /** Sends with a topic frame like IPython's ({@code kernel.status}), which subscribers may filter on. */
    <T> void publish(Message<T> message) {
        String topic = "kernel." + message.getHeader().getType().getName();
        Message<T> withTopic = new Message<>(List.of(topic.getBytes(StandardCharsets.UTF_8)), message.getHeader(),
                message.getParentHeader(), message.getMetadata(), message.getContent(), message.getBlobs());
        synchronized (this) {
            if (closed) return;
            try {
                sendMessage(withTopic);
            } catch (RuntimeException e) {
                if (!closed) throw e;
            }
        }
    }

    @Override
    public synchronized void close() {
        super.close();
    }
}
