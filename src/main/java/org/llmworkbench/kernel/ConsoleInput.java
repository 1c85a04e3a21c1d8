package org.llmworkbench.kernel;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * A half-typed Java cell as a terminal console sees it, without the compiler: which braces and
 * parentheses are still open, and whether it ends inside a comment or a text block. Braces and
 * parentheses in comments, string and character literals and text blocks don't count.
 *
 * <p>is_complete uses it for the next line's indent, and to answer at once while the engine
 * (JShell) is still starting: jupyter console waits one second for an is_complete reply and,
 * when none comes, stops asking for the rest of the session.
 */
final class ConsoleInput {
    static final String INDENT = "    ";

    /** The indent of the line of each unclosed '{', innermost on top. */
    private final Deque<String> openBraces = new ArrayDeque<>();
    private int openParentheses;
    private boolean endsInComment;
    private final String lastLineIndent;

    private ConsoleInput(String code) {
        int lineStart = 0;
        for (int i = 0; i < code.length(); i++) {
            char c = code.charAt(i);
            if (c == '\n') {
                lineStart = i + 1;
            } else if (code.startsWith("//", i)) {
                int nl = code.indexOf('\n', i);
                i = (nl < 0 ? code.length() : nl) - 1;
            } else if (code.startsWith("/*", i) || code.startsWith("\"\"\"", i)) {
                String close = c == '/' ? "*/" : "\"\"\"";
                int end = code.indexOf(close, i + close.length());
                if (end < 0) {
                    endsInComment = true;
                    break;
                }
                lineStart = Math.max(lineStart, code.lastIndexOf('\n', end) + 1);
                i = end + close.length() - 1;
            } else if (c == '"' || c == '\'') {
                int j = i + 1;
                while (j < code.length() && code.charAt(j) != c && code.charAt(j) != '\n') j += code.charAt(j) == '\\' ? 2 : 1;
                i = Math.min(j, code.length());
            } else if (c == '{') {
                openBraces.push(leadingSpace(code.substring(lineStart)));
            } else if (c == '}') {
                if (!openBraces.isEmpty()) openBraces.pop();
            } else if (c == '(' || c == '[') {
                openParentheses++;
            } else if (c == ')' || c == ']') {
                openParentheses = Math.max(0, openParentheses - 1);
            }
        }
        lastLineIndent = leadingSpace(code.substring(code.lastIndexOf('\n') + 1));
    }

    static ConsoleInput of(String code) {
        return new ConsoleInput(code);
    }

    /** True when more lines must follow: a bracket is open, or a comment or text block is. */
    boolean needsMore() {
        return !openBraces.isEmpty() || openParentheses > 0 || endsInComment;
    }

    /**
     * The indent of the next line: inside a block one level deeper than the line that opened the
     * innermost unclosed brace, so after a line that closes a block the next one moves back out;
     * elsewhere (an open parenthesis, a text block) the last line's.
     */
    String nextIndent() {
        return openBraces.isEmpty() ? lastLineIndent : openBraces.peek() + INDENT;
    }

    private static String leadingSpace(String line) {
        int n = 0;
        while (n < line.length() && (line.charAt(n) == ' ' || line.charAt(n) == '\t')) n++;
        return line.substring(0, n);
    }
}
