package org.llmworkbench.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.dflib.jjava.jupyter.messages.HMACGenerator;
import org.dflib.jjava.jupyter.messages.Header;
import org.dflib.jjava.jupyter.messages.Message;
import org.dflib.jjava.jupyter.messages.publish.PublishStream;
import org.junit.jupiter.api.Test;
import org.zeromq.SocketType;
import org.zeromq.ZMQ;

class IOPubTest {
    /**
     * The stop button interrupts the cell's thread, and a training run stops at its next step boundary,
     * saving a checkpoint. Between the two the run's listeners still draw (LiveTraining's status line):
     * a publish must go out then, not fail with ZMQ's EINTR and end the run before it could save.
     */
    @Test
    void aCellThreadWithAPendingInterruptStillPublishesAndKeepsTheInterrupt() throws Exception {
        ZMQ.Context context = ZMQ.context(1);
        IOPub iopub = new IOPub(context, HMACGenerator.NO_AUTH_INSTANCE);
        ZMQ.Socket sub = context.socket(SocketType.SUB);
        try {
            int port = iopub.bindToRandomPort("tcp://127.0.0.1");
            sub.connect("tcp://127.0.0.1:" + port);
            sub.subscribe(new byte[0]);
            sub.setReceiveTimeOut(5000);
            Message<PublishStream> hello = new Message<>(new Header<>(PublishStream.MESSAGE_TYPE),
                    new PublishStream(PublishStream.StreamType.OUT, "warm-up"));
            String first = null;
            for (int i = 0; i < 50 && first == null; i++) { // a SUB misses what was sent before it joined
                iopub.publish(hello);
                first = sub.recvStr(ZMQ.DONTWAIT);
                if (first == null) Thread.sleep(50);
            }
            while (sub.hasReceiveMore()) sub.recv();
            assertThat(first).isEqualTo("kernel.stream");

            Thread.currentThread().interrupt();
            RuntimeException failed = null;
            try {
                iopub.publish(new Message<>(new Header<>(PublishStream.MESSAGE_TYPE),
                        new PublishStream(PublishStream.StreamType.OUT, "step 41 of 100")));
            } catch (RuntimeException e) {
                failed = e;
            }
            boolean kept = Thread.interrupted();
            assertThat(failed).as("publish with an interrupt pending").isNull();
            assertThat(kept).as("the interrupt is still there for the training loop").isTrue();

            boolean arrived = false;
            for (int i = 0; i < 60 && !arrived; i++) { // after any warm-up messages still queued
                StringBuilder frames = new StringBuilder();
                do {
                    byte[] frame = sub.recv();
                    assertThat(frame).as("the message published with the interrupt pending").isNotNull();
                    frames.append(new String(frame, StandardCharsets.UTF_8)).append('\n');
                } while (sub.hasReceiveMore());
                arrived = frames.toString().contains("step 41 of 100");
            }
            assertThat(arrived).isTrue();
        } finally {
            Thread.interrupted();
            sub.close();
            iopub.close();
            try {
                context.close();
            } catch (RuntimeException ignored) {
                // a context whose socket saw an interrupt may not close cleanly; the test's verdict is above
            }
        }
    }
}
