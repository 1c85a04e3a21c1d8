package org.llmworkbench.kernel;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.util.HexFormat;
import org.dflib.jjava.jupyter.kernel.KernelConnectionProperties;

/** Writes a connection file the way a Jupyter client does: five free local ports and a random signing key. */
public final class ConnectionFile {
    private ConnectionFile() {}

    public static KernelConnectionProperties create(Path file) throws IOException {
        int[] ports = freePorts(5);
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        KernelConnectionProperties p = new KernelConnectionProperties("127.0.0.1", ports[0], ports[1], ports[2], ports[3],
                ports[4], "tcp", "hmac-sha256", HexFormat.of().formatHex(key));
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, p.toJsonString(), StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return p;
    }

    /** Ports the OS hands out now; all are held open together so no two are the same. */
    private static int[] freePorts(int n) throws IOException {
        ServerSocket[] sockets = new ServerSocket[n];
        int[] ports = new int[n];
        try {
            for (int i = 0; i < n; i++) {
                sockets[i] = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                ports[i] = sockets[i].getLocalPort();
            }
        } finally {
            for (ServerSocket s : sockets) if (s != null) s.close();
        }
        return ports;
    }
}
