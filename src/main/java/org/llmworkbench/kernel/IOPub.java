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
            // a cell's thread publishes with the stop button's interrupt pending (a training run draws its status
            // until the step ends): ZMQ would refuse with EINTR and end the run before it saved. Send, then keep it.
            boolean interrupted = Thread.interrupted();
            try {
                sendMessage(withTopic);
            } catch (org.zeromq.ZMQException e) {
                // interrupted during the send itself: that output is lost, the cell goes on to stop as it means to
                if (e.getErrorCode() != zmq.ZError.EINTR && !closed) throw e;
                interrupted |= Thread.interrupted();
            } catch (RuntimeException e) {
                if (!closed) throw e;
            } finally {
                if (interrupted) Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public synchronized void close() {
        super.close();
    }
}
