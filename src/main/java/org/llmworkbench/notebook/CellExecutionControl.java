package org.llmworkbench.notebook;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.Map;
import org.llmworkbench.StopGrace;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.TimeUnit;
import jdk.jshell.execution.DirectExecutionControl;
import jdk.jshell.spi.ExecutionControl;
import jdk.jshell.spi.ExecutionControlProvider;
import jdk.jshell.spi.ExecutionEnv;

/**
 * Runs snippets inside this JVM (so cells share the library's classes, statics and native engine)
 * and keeps the value of the last expression as an object, not just its string, so charts and
 * tables returned by a cell can be rendered.
 *
 * <p>Every snippet runs on one long-lived "cell" thread, as every cell of an IPython kernel runs on
 * its main thread: thread-local state survives from one cell to the next (a DJL
 * {@code GradientCollector} opened in one cell and used in the next, PyTorch's per-thread gradient
 * mode and thread count, the user's own {@code ThreadLocal}s). Running the cell off the caller's
 * thread is what lets an interrupt stop it. Only a cell stopped the hard way ({@code Thread.stop})
 * costs the thread; the next cell gets a fresh one.
 */
final class CellExecutionControl extends DirectExecutionControl {
    private static final Object NO_VALUE = new Object();

    private volatile Thread running;
    private volatile boolean stopRequested;
    private volatile Object lastValue = NO_VALUE;
    /** What the last value's {@code toString} threw while JShell took its text (null: it didn't). */
    private volatile Throwable lastValueTextFailure;
    /** The loader of the cells' classes (it also reads the notebook's class path); set by the first load. */
    private volatile ClassLoader cellLoader;
    private final ThreadGroup group = new ThreadGroup("notebook-cells");
    private final SynchronousQueue<Runnable> work = new SynchronousQueue<>();
    private volatile Thread cellThread;
    private volatile CountDownLatch current;

    /** What the cell's code threw as it stopped after an interrupt (a training run's "checkpoint saved: …"), or null. */
    private volatile Throwable stoppedWith;

    Throwable takeStoppedWith() {
        Throwable t = stoppedWith;
        stoppedWith = null;
        return t;
    }

    Object takeLastValue() {
        Object v = lastValue;
        lastValue = NO_VALUE;
        return v;
    }

    /**
     * What the last value's {@code toString} threw, or null. JShell itself only logs such a failure
     * (the snippet then has no value text), so the engine asks here to show it as the cell's error.
     */
    Throwable takeValueTextFailure() {
        Throwable t = lastValueTextFailure;
        lastValueTextFailure = null;
        return t;
    }

    /** A class as the cells see it: one a cell declared, or one on the notebook's class path. */
    Class<?> classNamed(String name) throws ClassNotFoundException {
        try {
            return findClass(name);
        } catch (ClassNotFoundException notACellsClass) {
            ClassLoader loader = cellLoader;
            if (loader == null) throw notACellsClass;
            return Class.forName(name, false, loader);
        }
    }

    static boolean hasValue(Object v) {
        return v != NO_VALUE;
    }

    /** A cell's classes, with their System.exit / Runtime.halt calls made to fail the cell instead ({@link ExitGuard}). */
    @Override
    public void load(ClassBytecodes[] classes) throws ClassInstallException, NotImplementedException, EngineTerminationException {
        ClassBytecodes[] guarded = new ClassBytecodes[classes.length];
        for (int i = 0; i < classes.length; i++) {
            byte[] bytes = ExitGuard.rewrite(classes[i].bytecodes());
            guarded[i] = bytes == classes[i].bytecodes() ? classes[i] : new ClassBytecodes(classes[i].name(), bytes);
        }
        super.load(guarded);
        if (cellLoader == null && guarded.length > 0) {
            try {
                cellLoader = findClass(guarded[0].name()).getClassLoader();
            } catch (ClassNotFoundException e) {
                // asked again at the next load
            }
        }
    }

    @Override
    protected String invoke(Method doitMethod) throws Exception {
        Object[] result = new Object[1];
        Throwable[] failure = new Throwable[1];
        if (stopRequested) throw new StoppedException(); // the cell was interrupted before this snippet began
        CountDownLatch done = new CountDownLatch(1);
        Runnable task = () -> {
            Thread.interrupted(); // an interrupt aimed at the previous cell must not hit this one
            running = Thread.currentThread();
            try {
                CellThreadState.beforeCell();
                if (!stopRequested) result[0] = doitMethod.invoke(null);
            } catch (InvocationTargetException e) {
                failure[0] = e.getCause();
            } catch (Throwable e) {
                failure[0] = e;
            } finally {
                running = null;
                done.countDown();
            }
        };
        current = done;
        try {
            submit(task);
            awaitCell(done);
        } catch (InterruptedException e) {
            stop();
            done.await(2, TimeUnit.SECONDS);
            Thread.currentThread().interrupt();
            throw new StoppedException();
        } finally {
            current = null;
        }
        if (stopRequested) {
            stoppedWith = failure[0];
            throw new StoppedException();
        }
        if (failure[0] != null) throw new InvocationTargetException(failure[0]);
        lastValue = result[0];
        try {
            return valueString(result[0]);
        } catch (RuntimeException | Error e) {
            lastValueTextFailure = e;
            throw e;
        }
    }

    /** Hands the task to the cell thread, starting one when there is none (first cell, or after a hard stop). */
    private synchronized void submit(Runnable task) throws InterruptedException {
        while (true) {
            Thread t = cellThread;
            if (t == null || !t.isAlive()) {
                t = new Thread(group, this::serve, "cell");
                t.setDaemon(true);
                t.setContextClassLoader(Thread.currentThread().getContextClassLoader());
                cellThread = t;
                t.start();
            }
            if (work.offer(task, 100, TimeUnit.MILLISECONDS)) return;
        }
    }

    /** Waits for the cell; a cell thread killed before it could say it finished ends the wait too. */
    private void awaitCell(CountDownLatch done) throws InterruptedException {
        while (!done.await(100, TimeUnit.MILLISECONDS)) {
            Thread t = cellThread;
            if (t == null || !t.isAlive()) {
                stopRequested = true;
                return;
            }
        }
    }

    private void serve() {
        while (true) {
            Runnable task;
            try {
                task = work.take();
            } catch (InterruptedException e) {
                continue; // a late interrupt of a finished cell: keep serving
            }
            task.run();
        }
    }

    /**
     * A new cell begins: forget an earlier stop request. A stop holds for the whole cell, so a cell
     * interrupted between two of its snippets (or while one compiles) runs none of the rest.
     */
    void beginCell() {
        stopRequested = false;
        stoppedWith = null;
    }

    @Override
    @SuppressWarnings("removal")
    public void stop() {
        // flag first, then look for the thread: a snippet starting meanwhile sees the flag, or is seen here
        stopRequested = true;
        Thread t = running;
        if (t == null) return;
        CountDownLatch done = current;
        t.interrupt();
        boolean finished = false;
        try {
            finished = done == null || done.await(StopGrace.of(t, Duration.ofMillis(1500)).toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!finished && running == t) t.stop(); // a loop that ignores interrupts: stop it the hard way (works on Java 17)
    }

    /** Plugs this control into a JShell builder. */
    static final class Provider implements ExecutionControlProvider {
        private final CellExecutionControl control = new CellExecutionControl();

        CellExecutionControl control() {
            return control;
        }

        @Override
        public String name() {
            return "llm-workbench-cells";
        }

        @Override
        public ExecutionControl generate(ExecutionEnv env, Map<String, String> parameters) {
            return control;
        }
    }
}
