package org.llmworkbench.kernel;

import java.util.Map;
import org.dflib.jjava.jupyter.messages.ContentType;
import org.dflib.jjava.jupyter.messages.Header;
import org.dflib.jjava.jupyter.messages.Message;
import org.dflib.jjava.jupyter.messages.MessageType;
import org.dflib.jjava.jupyter.messages.reply.ErrorReply;

/**
 * One request being answered: replies go back on the socket it came in on, broadcasts go to IOPub,
 * both with the request as parent so the frontend can tell which cell they belong to. Unlike jjava's
 * reply environment it keeps no state, so a cell's thread can publish while the shell thread waits.
 */
final class Request<T> {
    private final Message<T> message;
    private final RequestChannel channel;
    private final IOPub iopub;

    @SuppressWarnings("unchecked")
    Request(Message<?> message, RequestChannel channel, IOPub iopub) {
        this.message = (Message<T>) message;
        this.channel = channel;
        this.iopub = iopub;
    }

    /** The request itself, as the parent of messages sent on another socket (stdin's input_request). */
    Message<T> message() {
        return message;
    }

    T content() {
        return message.getContent();
    }

    String id() {
        return message.getHeader().getId();
    }

    <C extends ContentType<C>> void publish(C content) {
        iopub.publish(new Message<>(message, content.getType(), content));
    }

    <C extends ContentType<C>> void reply(C content) {
        channel.sendMessage(new Message<>(message, content.getType(), content));
    }

    <C extends ContentType<C>> void reply(C content, Map<String, Object> metadata) {
        channel.sendMessage(new Message<>(message, content.getType(), content, null, metadata));
    }

    /**
     * A reply whose content is given field by field: for replies jjava's classes get wrong for the
     * protocol (no "status" in kernel_info_reply, comm_info_reply, history_reply, ...) or lack
     * (payloads, "aborted").
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    void reply(MessageType<?> type, Map<String, ?> content, Map<String, Object> metadata) {
        channel.sendMessage(new Message(message.getIdentities(), new Header<>(message, type),
                message.getHeader(), metadata == null ? Map.of() : metadata, content, null));
    }

    /** An execute_reply with status "aborted". */
    void replyAborted() {
        reply(MessageType.EXECUTE_REPLY, Map.of("status", "aborted"), Map.of("status", "aborted"));
    }

    /** Later execute requests already queued on this channel get "aborted" replies instead of running. */
    void abortQueued() {
        channel.abortQueued();
    }

    void replyError(MessageType<?> type, ErrorReply error, Map<String, Object> metadata) {
        channel.sendMessage(new Message<>(message.getIdentities(), new Header<>(message, type.error()),
                message.getHeader(), metadata, error, null));
    }
}
