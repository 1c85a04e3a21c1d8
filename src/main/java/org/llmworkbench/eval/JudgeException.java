package org.llmworkbench.eval;

/** The judge endpoint could not give a usable answer: unreachable, too slow, refused, or malformed. */
public final class JudgeException extends RuntimeException {
    public JudgeException(String message) {
        super(message);
    }
}
