package org.llmworkbench.notebook;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Map;
import jdk.jshell.execution.DirectExecutionControl;
import jdk.jshell.spi.ExecutionControl;
import jdk.jshell.spi.ExecutionControlProvider;
import jdk.jshell.spi.ExecutionEnv;

/**
 * Runs snippets inside this JVM (so cells share the library's classes, statics and native engine)
 * and keeps the value of the last expression as an object, not just its string, so charts and
 * tables returned by a cell can be rendered. Each snippet runs on its own thread so an interrupt
 * can stop it.
 */
final class CellExecutionControl extends DirectExecutionControl {
    private static final Object NO_VALUE = new Object();

    private volatile Thread running;
    private volatile boolean stopRequested;
    private volatile Object lastValue = NO_VALUE;
    private final ThreadGroup group = new ThreadGroup("notebook-cells");

    Object takeLastValue() {
        Object v = lastValue;
        lastValue = NO_VALUE;
        return v;
    }

    static boolean hasValue(Object v) {
        return v != NO_VALUE;
    }

    @Override
    protected String invoke(Method doitMethod) throws Exception {
        Object[] result = new Object[1];
        Throwable[] failure = new Throwable[1];
        stopRequested = false;
        Thread t = new Thread(group, () -> {
            try {
                result[0] = doitMethod.invoke(null);
            } catch (InvocationTargetException e) {
                failure[0] = e.getCause();
            } catch (Throwable e) {
                failure[0] = e;
            }
        }, "cell");
        t.setContextClassLoader(Thread.currentThread().getContextClassLoader());
        running = t;
        t.start();
        try {
            t.join();
        } catch (InterruptedException e) {
            stop();
            t.join(2000);
            Thread.currentThread().interrupt();
            throw new StoppedException();
        } finally {
            running = null;
        }
        if (stopRequested) throw new StoppedException();
        if (failure[0] != null) throw new InvocationTargetException(failure[0]);
        lastValue = result[0];
        return valueString(result[0]);
    }

    @Override
    @SuppressWarnings("removal")
    public void stop() {
        Thread t = running;
        if (t == null) return;
        stopRequested = true;
        t.interrupt();
        try {
            t.join(1500);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (t.isAlive()) t.stop(); // a loop that ignores interrupts: stop it the hard way (works on Java 17)
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
