package org.llmworkbench.notebook;

import java.lang.reflect.Field;
import java.util.Collection;
import java.util.Map;
import jdk.jshell.JShell;
import jdk.jshell.Snippet;

/**
 * JShell keeps, for every class it ever compiled, the generated source it wrapped the snippet in,
 * to turn stack trace lines back into snippet lines. That source starts with an import of every
 * live declaration, so each kept wrapper costs as much as all declarations so far: on a long day
 * the heap grows with the square of the cells run. A wrapper whose snippets are all gone
 * (overwritten by a newer definition, or a dropped {@code $N} temporary) is forgotten here; the
 * cost is that a frame of such a retired class, should one still run, shows its raw class name.
 * The retired snippets themselves stay in JShell's list for ever, each still pointing at its wrapper:
 * that pointer is cleared too (JShell reads a snippet's wrapper only while compiling it or what depends
 * on it, and nothing depends on a dropped or overwritten snippet), else the wrapper would stay.
 *
 * <p>The map is JShell's own, reached by reflection (the launcher, the kernelspec and the tests open
 * {@code jdk.jshell} for it). On a JShell laid out differently this does nothing.
 */
final class RetiredWrappers {
    private final JShell shell;
    private final Map<?, ?> classOuters;
    private final Field wrapToSnippet;
    private final Field snippetOuter;

    RetiredWrappers(JShell shell) {
        this.shell = shell;
        Map<?, ?> outers = null;
        Field snippets = null;
        Field outer = null;
        try {
            Field outerMap = JShell.class.getDeclaredField("outerMap");
            outerMap.setAccessible(true);
            Object map = outerMap.get(shell);
            Field classOutersField = map.getClass().getDeclaredField("classOuters");
            classOutersField.setAccessible(true);
            snippets = Class.forName("jdk.jshell.OuterSnippetsClassWrap").getDeclaredField("wrapToSnippet");
            snippets.setAccessible(true);
            outers = (Map<?, ?>) classOutersField.get(map);
            outer = Snippet.class.getDeclaredField("outer");
            outer.setAccessible(true);
        } catch (ReflectiveOperationException | RuntimeException e) {
            outers = null; // not opened to us, or a different JShell: keep everything, as JShell does
            outer = null;
        }
        this.classOuters = outers;
        this.wrapToSnippet = snippets;
        this.snippetOuter = outer;
    }

    boolean active() {
        return classOuters != null;
    }

    /** Forgets the wrappers none of whose snippets is still active. */
    void sweep() {
        if (classOuters == null) return;
        try {
            classOuters.values().removeIf(this::retired);
        } catch (RuntimeException e) {
            // JShell changed under us: stop trimming rather than fail a cell
        }
    }

    private boolean retired(Object wrapper) {
        Collection<?> snippets;
        try {
            snippets = ((Map<?, ?>) wrapToSnippet.get(wrapper)).values();
        } catch (ReflectiveOperationException e) {
            return false;
        }
        if (snippets.isEmpty()) return false;
        for (Object s : snippets) if (shell.status((Snippet) s).isActive()) return false;
        for (Object s : snippets) forgetWrapper((Snippet) s, wrapper);
        return true;
    }

    private void forgetWrapper(Snippet snippet, Object wrapper) {
        try {
            if (snippetOuter.get(snippet) == wrapper) snippetOuter.set(snippet, null);
        } catch (ReflectiveOperationException e) {
            // keep it: memory, not correctness
        }
    }

    /** How many wrappers JShell keeps (-1 when this can't see them). */
    int kept() {
        return classOuters == null ? -1 : classOuters.size();
    }
}
