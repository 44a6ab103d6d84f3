package learn.rocketmq.stack;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import learn.rocketmq.stack.server.ServerMain;

/**
 * The ports of a kept cluster ({@link RocketMQCluster.Topology#dataDir}), fixed before any server
 * starts: a restarted cluster must come back where its clients, its brokers' registrations and its
 * controllers' Raft peers expect it. Either the documented ones ({@link #STANDARD}), or free ones
 * chosen at the first start and kept in {@code ports.properties} of the data directory.
 */
final class ClusterPorts {

    /**
     * {@code ./rocketmq up --cluster}'s ports. NameServer n: 9875 + n. Controller n: 9877 + n (its
     * Raft peer address, where it serves the brokers too). Broker group g (0 for the first), broker k of it: 10911 + 100 g + 10 k
     * (broker-a 10911 and 10921, broker-b 11011 and 11021); each broker also listens on its port - 2
     * (the "VIP" channel) and + 1 (HA: its slaves replicate from there). Proxy: 8081 gRPC, 8080
     * remoting.
     */
    static final String STANDARD = "NameServers 9876, 9877; controller 9878; broker-a 10911, 10921;"
        + " broker-b 11011, 11021 (each broker also port-2 and port+1); proxy 8081 (gRPC), 8080 (remoting)";

    private ClusterPorts() {
    }

    /** Server name (and {@code proxy.remoting}) to port; empty when {@code dataDir} is null (servers pick free ports). */
    static Map<String, Integer> plan(Path dataDir, boolean standard, List<String> servers, Set<String> groups) {
        if (dataDir == null) {
            return Map.of();
        }
        Map<String, Integer> ports;
        Path file = dataDir.resolve("ports.properties");
        try {
            if (standard) {
                ports = standard(servers, groups);
            } else if (Files.exists(file)) {
                ports = read(file);
                if (!ports.keySet().containsAll(servers)) {
                    throw new IllegalStateException(dataDir + " holds a cluster of other servers (" + ports.keySet()
                        + "): start this one with a data directory of its own, or empty it first (--fresh)");
                }
            } else {
                ports = free(servers, groups);
                Files.createDirectories(dataDir);
                write(file, ports);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not plan the cluster's ports in " + dataDir + ": " + e.getMessage(), e);
        }
        List<Integer> busy = ServerMain.Ports.busy(bound(ports, groups));
        if (!busy.isEmpty()) {
            throw new IllegalStateException("port(s) " + busy + " already in use: is a RocketMQ already running"
                + " (./rocketmq up, docker compose up)? Stop it first");
        }
        return ports;
    }

    static Map<String, Integer> standard(List<String> servers, Set<String> groups) {
        Map<String, Integer> ports = new LinkedHashMap<>();
        List<String> groupList = new ArrayList<>(groups);
        for (String name : servers) {
            String group = groupOf(name, groups);
            if (name.startsWith("namesrv-")) {
                ports.put(name, 9875 + number(name));
            } else if (name.startsWith("controller-")) {
                ports.put(name, 9877 + number(name));
            } else if (name.equals("proxy")) {
                ports.put(name, 8081);
                ports.put(name + ".remoting", 8080);
            } else if (group != null) {
                ports.put(name, 10911 + 100 * groupList.indexOf(group) + 10 * number(name));
            }
        }
        return ports;
    }

    private static Map<String, Integer> free(List<String> servers, Set<String> groups) throws IOException {
        Map<String, Integer> ports = new LinkedHashMap<>();
        Set<Integer> taken = new HashSet<>();
        for (String name : servers) {
            ServerMain.Ports free = ServerMain.Ports.free(taken);
            if (groupOf(name, groups) != null) {
                ports.put(name, free.broker()); // free with its port - 2 and + 1
            } else {
                ports.put(name, free.namesrv());
            }
            if (name.equals("proxy")) {
                ports.put(name + ".remoting", free.proxyRemoting());
            }
        }
        return ports;
    }

    /** Every port the servers will bind: a broker's own and its port - 2 and + 1. */
    private static List<Integer> bound(Map<String, Integer> ports, Set<String> groups) {
        List<Integer> all = new ArrayList<>();
        ports.forEach((name, port) -> {
            all.add(port);
            if (groupOf(name, groups) != null) {
                all.add(port - 2);
                all.add(port + 1);
            }
        });
        return all;
    }

    /** The broker group a server name ({@code broker-a-1}) belongs to, or null for other servers. */
    static String groupOf(String name, Set<String> groups) {
        int dash = name.lastIndexOf('-');
        return dash > 0 && groups.contains(name.substring(0, dash)) ? name.substring(0, dash) : null;
    }

    private static int number(String name) {
        return Integer.parseInt(name.substring(name.lastIndexOf('-') + 1));
    }

    private static Map<String, Integer> read(Path file) throws IOException {
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(file)) {
            p.load(in);
        }
        Map<String, Integer> ports = new LinkedHashMap<>();
        p.stringPropertyNames().forEach(k -> ports.put(k, Integer.parseInt(p.getProperty(k))));
        return ports;
    }

    private static void write(Path file, Map<String, Integer> ports) throws IOException {
        Properties p = new Properties();
        ports.forEach((k, v) -> p.setProperty(k, v.toString()));
        try (Writer out = Files.newBufferedWriter(file)) {
            p.store(out, "the ports this cluster's servers listen on, chosen at its first start");
        }
    }
}
