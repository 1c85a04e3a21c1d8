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
 * the heap grows with the square of the cells run. A wrapper is retired when none of its snippets
 * is still active in it: overwritten by a newer definition, a dropped {@code $N} temporary, or
 * recompiled into a newer class because something it uses changed. A retired wrapper is forgotten
 * here; the cost is that a frame of such a class, should one still run, shows its raw class name.
 * The retired snippets themselves stay in JShell's list for ever, each still pointing at its wrapper:
 * that pointer is cleared too (JShell reads a snippet's wrapper only while compiling it or what depends
 * on it, and nothing depends on a dropped or overwritten snippet), else the wrapper would stay.
 *
 * <p>JShell's file manager also keeps the bytes of every class it compiled, and javac lists the
 * whole {@code REPL} package at the start of every compilation: re-running a 20-cell pattern 1,000
 * times made each compilation read through thousands of dead classes (15 → 36 ms of CPU per cell).
 * The class files of retired wrappers, and of wrappers that only ran once (statements and
 * expressions, which nothing is compiled against), go as well; those classes are loaded already.
 *
 * <p>The maps are JShell's own, reached by reflection (the launcher, the kernelspec and the tests open
 * {@code jdk.jshell} for it). On a JShell laid out differently this does nothing.
 */
final class RetiredWrappers {
    private final JShell shell;
    private final Map<?, ?> classOuters;
    private final Field wrapToSnippet;
    private final Field snippetOuter;
    private final java.util.NavigableMap<String, ?> classFiles;
    /** Wrapper to its class's full name (weak: a forgotten wrapper leaves). */
    private final Map<Object, String> names = new java.util.WeakHashMap<>();
    private final java.lang.reflect.Method classFullName;

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
        java.util.NavigableMap<String, ?> files = null;
        java.lang.reflect.Method fullName = null;
        if (outers != null) {
            try {
                Field taskFactory = JShell.class.getDeclaredField("taskFactory");
                taskFactory.setAccessible(true);
                Object factory = taskFactory.get(shell);
                Field fileManager = factory.getClass().getDeclaredField("fileManager");
                fileManager.setAccessible(true);
                Object manager = fileManager.get(factory);
                Field classObjects = manager.getClass().getDeclaredField("classObjects");
                classObjects.setAccessible(true);
                @SuppressWarnings("unchecked")
                java.util.NavigableMap<String, ?> map = (java.util.NavigableMap<String, ?>) classObjects.get(manager);
                fullName = Class.forName("jdk.jshell.OuterWrap").getDeclaredMethod("classFullName");
                fullName.setAccessible(true);
                files = map;
            } catch (ReflectiveOperationException | RuntimeException e) {
                files = null; // the class files stay: only speed is lost
            }
        }
        this.classFiles = files;
        this.classFullName = fullName;
    }

    boolean active() {
        return classOuters != null;
    }

    /**
     * Forgets the wrappers none of whose snippets is still active, and the class files of those and of
     * every wrapper that only ran once (statements and expressions: no later snippet is compiled
     * against them, and their classes are loaded already).
     */
    void sweep() {
        if (classOuters == null) return;
        try {
            classOuters.values().removeIf(this::retired);
            if (classFiles != null) {
                for (Object wrapper : classOuters.values()) {
                    if (ranOnce(wrapper)) forgetClassFiles(wrapper);
                }
            }
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
        for (Object s : snippets) if (shell.status((Snippet) s).isActive() && currentWrapper((Snippet) s) == wrapper) return false;
        for (Object s : snippets) forgetWrapper((Snippet) s, wrapper);
        forgetClassFiles(wrapper);
        return true;
    }

    /** No snippet of the wrapper is an active declaration (one that later snippets import). */
    private boolean ranOnce(Object wrapper) {
        try {
            for (Object s : ((Map<?, ?>) wrapToSnippet.get(wrapper)).values()) {
                Snippet snippet = (Snippet) s;
                if (snippet.kind().isPersistent() && shell.status(snippet).isActive()) return false;
            }
            return true;
        } catch (ReflectiveOperationException e) {
            return false;
        }
    }

    /** The wrapper a snippet was last compiled in (JShell recompiles a snippet into a new class when what it uses changes). */
    private Object currentWrapper(Snippet snippet) {
        try {
            return snippetOuter.get(snippet);
        } catch (ReflectiveOperationException e) {
            return null;
        }
    }

    private void forgetWrapper(Snippet snippet, Object wrapper) {
        try {
            if (snippetOuter.get(snippet) == wrapper) snippetOuter.set(snippet, null);
        } catch (ReflectiveOperationException e) {
            // keep it: memory, not correctness
        }
    }

    /**
     * JShell's file manager keeps the bytes of every class it ever compiled, and javac lists the whole
     * {@code REPL} package (every one of them) at the start of each compilation: a day of re-run cells
     * made every later compilation slower in proportion to all cells run so far. A retired or run-once wrapper's
     * classes (the wrapper and anything nested in it) are already loaded where cells run, and nothing
     * live is compiled against them any more, so their bytes go.
     */
    private void forgetClassFiles(Object wrapper) {
        if (classFiles == null) return;
        try {
            String name = names.computeIfAbsent(wrapper, w -> {
                try {
                    return (String) classFullName.invoke(w);
                } catch (ReflectiveOperationException e) {
                    return "";
                }
            });
            if (name.isEmpty() || classFiles.remove(name) == null) return;
            classFiles.subMap(name + "$", name + "$\uffff").clear(); // its nested and anonymous classes
        } catch (RuntimeException e) {
            // keep them: speed, not correctness
        }
    }

    /** How many compiled classes JShell's file manager keeps (-1 when this can't see them). */
    int classFilesKept() {
        return classFiles == null ? -1 : classFiles.size();
    }

    /** How many wrappers JShell keeps (-1 when this can't see them). */
    int kept() {
        return classOuters == null ? -1 : classOuters.size();
    }
}
