package learn.rocketmq.internals.security;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The TCP ports a process listens on and on which address, from Linux's {@code /proc}: its
 * socket inodes ({@code /proc/<pid>/fd}) matched against {@code /proc/net/tcp} and
 * {@code /proc/net/tcp6} (state {@code 0A}: LISTEN). {@code 0.0.0.0} or {@code ::} means every
 * network interface of the machine: whoever can route to the host can connect.
 */
public final class ListeningSockets {

    private ListeningSockets() {
    }

    /** "address:port" for every listening socket of process {@code pid}, sorted (empty where /proc is not Linux's). */
    public static Set<String> of(long pid) throws IOException {
        Set<String> inodes = new HashSet<>();
        Path fds = Path.of("/proc", String.valueOf(pid), "fd");
        if (!Files.isDirectory(fds)) {
            return Set.of();
        }
        try (DirectoryStream<Path> links = Files.newDirectoryStream(fds)) {
            for (Path fd : links) {
                try {
                    String target = Files.readSymbolicLink(fd).toString(); // socket:[12345]
                    if (target.startsWith("socket:[")) {
                        inodes.add(target.substring(8, target.length() - 1));
                    }
                } catch (IOException closedMeanwhile) {
                    // a descriptor closed while we looked
                }
            }
        }
        Set<String> listening = new TreeSet<>();
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            List<String> lines = Files.readAllLines(Path.of(table));
            for (String line : lines.subList(1, lines.size())) { // after the header
                String[] f = line.trim().split("\\s+");
                if (f[3].equals("0A") && inodes.contains(f[9])) {
                    listening.add(address(f[1]));
                }
            }
        }
        return listening;
    }

    /** /proc's hex "0100007F:2694" (little-endian IPv4) or 32 hex digits (IPv6) to "127.0.0.1:9876". */
    private static String address(String hex) {
        String[] parts = hex.split(":");
        int port = Integer.parseInt(parts[1], 16);
        String ip = parts[0];
        if (ip.length() == 8) {
            long v = Long.parseLong(ip, 16);
            return String.format("%d.%d.%d.%d:%d", v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, (v >> 24) & 0xff, port);
        }
        if (ip.equals("00000000000000000000000000000000")) {
            return "[::]:" + port;
        }
        if (ip.equals("0000000000000000FFFF00000100007F")) {
            return "[::ffff:127.0.0.1]:" + port;
        }
        if (ip.equals("00000000000000000000000001000000")) {
            return "[::1]:" + port;
        }
        return "[" + ip + "]:" + port;
    }
}
