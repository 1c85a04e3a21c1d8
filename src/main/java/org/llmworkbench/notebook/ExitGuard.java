package org.llmworkbench.notebook;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Cells run inside the kernel's own JVM, so a {@code System.exit(0)} in a cell would end the kernel
 * and every cell's state with it, and Jupyter would only notice later that its kernel had died.
 * Before a cell's classes are loaded, their calls to {@code System.exit}, {@code Runtime.exit} and
 * {@code Runtime.halt} are pointed here instead, where they fail the cell with a clear message.
 *
 * <p>The rewrite works on the class file bytes javac gave JShell: a call to {@code System.exit(int)}
 * is a constant-pool method reference, so repointing that reference's class at this one is enough.
 * {@code runtime.exit(int)} and {@code runtime.halt(int)} are instance calls; each
 * {@code invokevirtual} of them becomes an {@code invokestatic} of a method here that takes the
 * runtime as its first argument: the same instruction length and the same operand stack, so
 * nothing else in the class changes. Only cell code is rewritten: a library a cell calls can still
 * end the JVM.
 */
public final class ExitGuard {
    private static final String GUARD = "org/llmworkbench/notebook/ExitGuard";
    private static final String RUNTIME_CALL = "(Ljava/lang/Runtime;I)V";

    private ExitGuard() {}

    /** Thrown instead of ending the JVM. An {@link Error}, so a cell's {@code catch (Exception e)} doesn't swallow it. */
    public static final class ExitRefused extends Error {
        ExitRefused(String call) {
            super(call + " is not available in a notebook cell: it would end the kernel and every cell's state. "
                    + "To start over, use Kernel → Restart");
        }
    }

    /** Where a cell's {@code System.exit(status)} lands. */
    public static void exit(int status) {
        throw new ExitRefused("System.exit(" + status + ")");
    }

    /** Where a cell's {@code Runtime.getRuntime().exit(status)} lands. */
    public static void exit(Runtime runtime, int status) {
        throw new ExitRefused("Runtime.exit(" + status + ")");
    }

    /** Where a cell's {@code Runtime.getRuntime().halt(status)} lands. */
    public static void halt(Runtime runtime, int status) {
        throw new ExitRefused("Runtime.halt(" + status + ")");
    }

    /**
     * The class file with its exit calls pointed here; the same array when it makes none. A class this
     * reader does not understand (a constant kind newer than Java 17's) is left as it is: the guard must
     * never keep a cell from running.
     */
    static byte[] rewrite(byte[] classFile) {
        try {
            return guarded(classFile);
        } catch (RuntimeException e) {
            return classFile;
        }
    }

    private static byte[] guarded(byte[] classFile) {
        ConstantPool cp = ConstantPool.read(classFile);
        List<Integer> systemExits = new ArrayList<>();
        Map<Integer, String> runtimeCalls = new HashMap<>(); // method ref index -> "exit" or "halt"
        for (int i = 1; i < cp.count; i++) {
            if (cp.tag[i] != 10) continue; // Methodref
            String owner = cp.className(cp.u2(i, 1));
            int nat = cp.u2(i, 3);
            String name = cp.utf8(cp.u2(nat, 1));
            if (!"(I)V".equals(cp.utf8(cp.u2(nat, 3)))) continue;
            if (owner.equals("java/lang/System") && name.equals("exit")) systemExits.add(i);
            if (owner.equals("java/lang/Runtime") && (name.equals("exit") || name.equals("halt"))) runtimeCalls.put(i, name);
        }
        if (systemExits.isEmpty() && runtimeCalls.isEmpty()) return classFile;

        byte[] out = Arrays.copyOf(classFile, classFile.length);
        Appender extra = new Appender(cp.count);
        int guardClass = extra.classRef(GUARD);
        for (int ref : systemExits) put2(out, cp.offset[ref] + 1, guardClass);
        Map<Integer, Integer> staticRefs = new HashMap<>();
        runtimeCalls.forEach((ref, name) -> staticRefs.put(ref, extra.methodRef(guardClass, name, RUNTIME_CALL)));
        for (int i = 1; i < cp.count; i++) {
            // a method reference such as Runtime.getRuntime()::halt: the handle becomes a static one
            if (cp.tag[i] == 15 && classFile[cp.offset[i] + 1] == 5 && staticRefs.containsKey(cp.u2(i, 2))) {
                out[cp.offset[i] + 1] = 6;
                put2(out, cp.offset[i] + 2, staticRefs.get(cp.u2(i, 2)));
            }
        }
        if (extra.next > 0xFFFF) return classFile; // no room for our constants
        if (!staticRefs.isEmpty()) rewriteInvokes(out, cp, staticRefs);

        byte[] added = extra.bytes();
        byte[] result = new byte[out.length + added.length];
        System.arraycopy(out, 0, result, 0, cp.end);
        System.arraycopy(added, 0, result, cp.end, added.length);
        System.arraycopy(out, cp.end, result, cp.end + added.length, out.length - cp.end);
        put2(result, 8, extra.next);
        return result;
    }

    /** Turns each {@code invokevirtual} of a Runtime exit/halt reference into an {@code invokestatic} of ours. */
    private static void rewriteInvokes(byte[] b, ConstantPool cp, Map<Integer, Integer> staticRefs) {
        int p = cp.end + 6;
        p += 2 + 2 * u2(b, p); // interfaces
        p = skipMembers(b, p, cp, null); // fields
        skipMembers(b, p, cp, code -> {
            int codeLength = u4(b, code + 4);
            int start = code + 8;
            for (int pc = 0; pc < codeLength; pc += Bytecode.length(b, start, pc)) {
                int op = b[start + pc] & 0xFF;
                if (op == 0xB6 && staticRefs.containsKey(u2(b, start + pc + 1))) {
                    b[start + pc] = (byte) 0xB8;
                    put2(b, start + pc + 1, staticRefs.get(u2(b, start + pc + 1)));
                }
            }
        });
    }

    /** Walks fields or methods from {@code p}; hands each Code attribute's body to {@code code}. Returns the end. */
    private static int skipMembers(byte[] b, int p, ConstantPool cp, java.util.function.IntConsumer code) {
        int members = u2(b, p);
        p += 2;
        for (int m = 0; m < members; m++) {
            int attributes = u2(b, p + 6);
            p += 8;
            for (int a = 0; a < attributes; a++) {
                int length = u4(b, p + 2);
                if (code != null && "Code".equals(cp.utf8(u2(b, p)))) code.accept(p + 6);
                p += 6 + length;
            }
        }
        return p;
    }

    static int u2(byte[] b, int p) {
        return ((b[p] & 0xFF) << 8) | (b[p + 1] & 0xFF);
    }

    static int u4(byte[] b, int p) {
        return (u2(b, p) << 16) | u2(b, p + 2);
    }

    private static void put2(byte[] b, int p, int v) {
        b[p] = (byte) (v >>> 8);
        b[p + 1] = (byte) v;
    }

    /** Where each constant of a class file starts, and what it is. */
    private static final class ConstantPool {
        final byte[] b;
        final int count;
        final int[] offset;
        final int[] tag;
        final int end;

        private ConstantPool(byte[] b, int count, int[] offset, int[] tag, int end) {
            this.b = b;
            this.count = count;
            this.offset = offset;
            this.tag = tag;
            this.end = end;
        }

        static ConstantPool read(byte[] b) {
            if (b.length < 10 || u4(b, 0) != 0xCAFEBABE) throw new IllegalArgumentException("not a class file");
            int count = ExitGuard.u2(b, 8);
            int[] offset = new int[count];
            int[] tag = new int[count];
            int p = 10;
            for (int i = 1; i < count; i++) {
                offset[i] = p;
                tag[i] = b[p] & 0xFF;
                switch (tag[i]) {
                    case 1 -> p += 3 + ExitGuard.u2(b, p + 1);
                    case 7, 8, 16, 19, 20 -> p += 3;
                    case 15 -> p += 4;
                    case 3, 4, 9, 10, 11, 12, 17, 18 -> p += 5;
                    case 5, 6 -> {
                        p += 9;
                        i++; // a long or double takes two slots
                    }
                    default -> throw new IllegalArgumentException("unknown constant tag " + tag[i] + " at " + p);
                }
            }
            return new ConstantPool(b, count, offset, tag, p);
        }

        int u2(int index, int at) {
            return ExitGuard.u2(b, offset[index] + at);
        }

        String utf8(int index) {
            if (tag[index] != 1) return "";
            // modified UTF-8; the names compared here are plain ASCII
            return new String(b, offset[index] + 3, u2(index, 1), StandardCharsets.UTF_8);
        }

        String className(int index) {
            return tag[index] == 7 ? utf8(u2(index, 1)) : "";
        }
    }

    /** New constants, numbered after the existing ones. */
    private static final class Appender {
        private final java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        int next;

        Appender(int next) {
            this.next = next;
        }

        private int add(int tag, int... u2s) {
            out.write(tag);
            for (int v : u2s) {
                out.write(v >>> 8);
                out.write(v);
            }
            return next++;
        }

        int utf8(String s) {
            byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
            out.write(1);
            out.write(bytes.length >>> 8);
            out.write(bytes.length);
            out.writeBytes(bytes);
            return next++;
        }

        int classRef(String internalName) {
            return add(7, utf8(internalName));
        }

        int methodRef(int classRef, String name, String descriptor) {
            int nat = add(12, utf8(name), utf8(descriptor));
            return add(10, classRef, nat);
        }

        byte[] bytes() {
            return out.toByteArray();
        }
    }

    /** Instruction lengths, to walk a method's code without mistaking an operand for an opcode. */
    private static final class Bytecode {
        static int length(byte[] b, int start, int pc) {
            int op = b[start + pc] & 0xFF;
            switch (op) {
                case 0xAA: { // tableswitch
                    int p = pc + 1 + ((4 - (pc + 1) % 4) % 4);
                    int low = u4(b, start + p + 4);
                    int high = u4(b, start + p + 8);
                    return p + 12 + 4 * (high - low + 1) - pc;
                }
                case 0xAB: { // lookupswitch
                    int p = pc + 1 + ((4 - (pc + 1) % 4) % 4);
                    return p + 8 + 8 * u4(b, start + p + 4) - pc;
                }
                case 0xC4: // wide
                    return (b[start + pc + 1] & 0xFF) == 0x84 ? 6 : 4;
                default:
                    return LENGTHS[op];
            }
        }

        private static final int[] LENGTHS = new int[256];

        static {
            Arrays.fill(LENGTHS, 1);
            set(2, 0x10, 0x12, 0xA9, 0xBC); // bipush ldc ret newarray
            for (int op = 0x15; op <= 0x19; op++) LENGTHS[op] = 2; // loads with an index
            for (int op = 0x36; op <= 0x3A; op++) LENGTHS[op] = 2; // stores with an index
            set(3, 0x11, 0x13, 0x14, 0x84, 0xBB, 0xBD, 0xC0, 0xC1, 0xC6, 0xC7);
            for (int op = 0x99; op <= 0xA8; op++) LENGTHS[op] = 3; // branches, goto, jsr
            for (int op = 0xB2; op <= 0xB8; op++) LENGTHS[op] = 3; // field access, invokevirtual/special/static
            set(5, 0xB9, 0xBA, 0xC8, 0xC9); // invokeinterface invokedynamic goto_w jsr_w
            set(4, 0xC5); // multianewarray
        }

        private static void set(int length, int... ops) {
            for (int op : ops) LENGTHS[op] = length;
        }
    }
}
