package learn.rocketmq.stack;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * A RocketMQ cluster of separate server processes, described in code and started on free ports:
 * NameServers, broker groups (a master and its slaves), and a 5.x proxy in CLUSTER mode. Every
 * server is a {@link RocketMQServer} a lesson can kill, stop, pause and restart on its own store.
 *
 * <pre>{@code
 * try (RocketMQCluster cluster = RocketMQCluster.topology()
 *         .nameServers(2)
 *         .brokerGroup("broker-a", 1, RocketMQCluster.Replication.SYNC)   // a master and one slave
 *         .proxy()
 *         .start()) {
 *     RocketMQ rocketmq = cluster.rocketMQ();   // "ns1;ns2" and the proxy, as lessons take them
 *     cluster.master("broker-a").kill();        // SIGKILL; restart() brings it back on its store
 * }
 * }</pre>
 */
public final class RocketMQCluster implements AutoCloseable {

    /** How a master hands messages to its slaves before it answers the producer. */
    public enum Replication {
        /** {@code ASYNC_MASTER} (RocketMQ's default): SEND_OK once stored on the master. */
        ASYNC,
        /**
         * {@code SYNC_MASTER}: SEND_OK once {@code inSyncReplicas} replicas have it, the master
         * included. RocketMQ 5.5.0's default {@code inSyncReplicas} is 1, so a SYNC_MASTER then
         * answers without its slave, as an ASYNC one does (lesson ReplicationLoss); add
         * {@code .set("inSyncReplicas", "2")} to wait for one slave.
         */
        SYNC
    }

    /**
     * The JVM options of {@code ./rocketmq up}: RocketMQ's own start script's G1 settings with the
     * full JIT, and a 1 GB heap for a laptop instead of their -Xms8g. For a server that is measured.
     */
    public static final List<String> INSTALLATION_JVM_OPTIONS = ServerJvm.longLivedJvmOptions();

    /** What to start. */
    public static final class Topology {
        private int nameServers = 1;
        private final Map<String, Integer> slaves = new LinkedHashMap<>();
        private final Map<String, Replication> replication = new LinkedHashMap<>();
        private boolean proxy;
        private int controllers;
        private StackProfile profile = StackProfile.FAST_TESTS;
        private final Map<String, String> brokerSettings = new LinkedHashMap<>();
        private java.nio.file.Path dataDir;
        private boolean standardPorts;
        private boolean rocketmqLogging;
        private final Map<String, Map<String, String>> groupSettings = new LinkedHashMap<>();
        private List<String> jvmOptions;
        private final Map<String, List<String>> groupJvmOptions = new LinkedHashMap<>();

        private Topology() {
        }

        public Topology nameServers(int count) {
            nameServers = count;
            return this;
        }

        /** A broker group with a master only. */
        public Topology brokerGroup(String brokerName) {
            return brokerGroup(brokerName, 0, Replication.ASYNC);
        }

        /** A broker group: its master and {@code slaves} slaves (brokerId 1, 2, ...). */
        public Topology brokerGroup(String brokerName, int slaveCount, Replication mode) {
            slaves.put(brokerName, slaveCount);
            replication.put(brokerName, mode);
            return this;
        }

        /**
         * Controller mode ({@code enableControllerMode=true} on every broker): {@code count}
         * controllers (1, or 3 for a Raft quorum) decide each group's master and elect a new one
         * when it dies. Its brokers' roles come from the controller, not from the topology: the
         * first broker of a group becomes its master, and a group's replication is synchronous
         * (controller mode forces SYNC_MASTER).
         */
        public Topology controllers(int count) {
            controllers = count;
            return this;
        }

        /** A 5.x proxy in CLUSTER mode, in a process of its own. */
        public Topology proxy() {
            proxy = true;
            return this;
        }

        /**
         * Every broker exports its metrics for Prometheus ({@code metricsExporterType=PROM}), each
         * on 127.0.0.1 and a free port: {@link RocketMQServer#metricsAddress()}.
         */
        public Topology metrics() {
            return set("metricsExporterType", "PROM");
        }

        /** A setting for the brokers of one group only (it wins over {@link #set}). */
        public Topology set(String brokerGroup, String key, String value) {
            if (!slaves.containsKey(brokerGroup)) {
                throw new IllegalArgumentException("no broker group " + brokerGroup + ": add it with brokerGroup(...) first");
            }
            groupSettings.computeIfAbsent(brokerGroup, g -> new LinkedHashMap<>()).put(key, value);
            return this;
        }

        /**
         * Every server logs as a RocketMQ installation does instead of into the stack's one
         * {@code rocketmq.log}: with its role's own {@code rmq.<role>.logback.xml}, copied from its
         * jar to {@link RocketMQServer#logbackConfig()} (kept across restarts: an edit holds), into the files of {@link RocketMQServer#rocketmqLogDir()} ({@code broker.log},
         * {@code store.log}, {@code namesrv.log}, ...).
         */
        public Topology rocketmqLogging() {
            rocketmqLogging = true;
            return this;
        }

        /** The timing profile (default {@link StackProfile#FAST_TESTS}, as tests run). */
        public Topology profile(StackProfile value) {
            profile = value;
            return this;
        }

        /**
         * Every server's heap, GC and JIT options, instead of the quick-start ones a lesson's or
         * test's servers get (C1 only, Serial GC, 384 MB heap: fast to start, not to benchmark).
         * {@link RocketMQCluster#INSTALLATION_JVM_OPTIONS} are those of {@code ./rocketmq up}.
         */
        public Topology jvmOptions(List<String> options) {
            jvmOptions = List.copyOf(options);
            return this;
        }

        /** The JVM options of one broker group's brokers (its master and slaves), over {@link #jvmOptions(List)}. */
        public Topology jvmOptions(String brokerGroup, List<String> options) {
            groupJvmOptions.put(brokerGroup, List.copyOf(options));
            return this;
        }

        /**
         * A setting for every broker (broker.conf keys; {@code proxy.}-prefixed for the proxy).
         * {@code tls.*} keys ({@code tls.server.mode}, {@code tls.server.certPath}, ...) are JVM
         * system properties of the brokers and the NameServers.
         */
        public Topology set(String key, String value) {
            brokerSettings.put(key, value);
            return this;
        }

        /**
         * Every server's directory under {@code dir} ({@code dir/namesrv-1}, {@code dir/broker-a-0},
         * ...), kept: {@link RocketMQCluster#close()} then stops each server cleanly, and the next
         * start on {@code dir} finds its stores, offsets and controller state, on the same ports
         * (chosen at the first start and kept in {@code dir/ports.properties}, unless
         * {@link #standardPorts()}). {@code ./rocketmq up --cluster} runs this way.
         */
        public Topology dataDir(java.nio.file.Path dir) {
            dataDir = dir.toAbsolutePath();
            return this;
        }

        /** The documented ports ({@link RocketMQCluster#standardPorts}) instead of free ones; needs {@link #dataDir}. */
        public Topology standardPorts() {
            standardPorts = true;
            return this;
        }

        /**
         * Starts it: the NameServers and controllers side by side, then the masters, then the slaves
         * and the proxy (a kept controller-mode cluster started again: every broker at once).
         */
        public RocketMQCluster start() {
            if (slaves.isEmpty()) {
                throw new IllegalArgumentException("a cluster needs a broker group: topology().brokerGroup(\"broker-a\")");
            }
            if (standardPorts && dataDir == null) {
                throw new IllegalArgumentException("standardPorts() is for a kept cluster: give it a dataDir(...) too");
            }
            return new RocketMQCluster(this);
        }
    }

    public static Topology topology() {
        return new Topology();
    }

    private final StackProfile profile;
    /** The cluster the learner pointed the lesson at ({@link #forLesson}), or null: this one started its servers. */
    private final RocketMQ external;
    private final List<RocketMQServer> nameServers = new ArrayList<>();
    private final List<RocketMQServer> controllers = new ArrayList<>();
    private final Map<String, List<RocketMQServer>> groups = new LinkedHashMap<>();
    private RocketMQServer proxy;
    private final long startMillis;
    /** A kept cluster's directory ({@link Topology#dataDir}), or null. */
    private final java.nio.file.Path dataDir;
    /** Each server's ports, fixed up front for a kept cluster ({@code namesrv-1}, {@code proxy.remoting}, ...); empty otherwise. */
    private final Map<String, Integer> ports;
    /** {@link Topology#rocketmqLogging()}. */
    private final boolean rocketmqLogging;
    /** {@link Topology#jvmOptions(List)}, or null; and per broker group. */
    private final List<String> jvmOptions;
    private final Map<String, List<String>> groupJvmOptions;

    /**
     * For a cluster lesson's {@code main}: the cluster {@code topology} describes, started for this
     * run with RocketMQ's default timing, or the one the learner gives with {@code --namesrv} /
     * {@code --proxy} (then the steps that kill, stop or pause a server cannot run, and say so).
     * Prints one line saying which.
     */
    public static RocketMQCluster forLesson(String[] args, Topology topology) {
        return Stack.clusterForLesson(args, topology);
    }

    /** A cluster the lesson did not start: addresses only. */
    static RocketMQCluster external(RocketMQ addresses) {
        return new RocketMQCluster(addresses);
    }

    private RocketMQCluster(RocketMQ addresses) {
        profile = addresses.profile();
        external = addresses;
        startMillis = 0;
        dataDir = null;
        ports = Map.of();
        rocketmqLogging = false;
        jvmOptions = null;
        groupJvmOptions = Map.of();
    }

    private RocketMQCluster(Topology t) {
        long t0 = System.nanoTime();
        profile = t.profile;
        external = null;
        dataDir = t.dataDir;
        jvmOptions = t.jvmOptions;
        groupJvmOptions = Map.copyOf(t.groupJvmOptions);
        rocketmqLogging = t.rocketmqLogging;
        ports = ClusterPorts.plan(t.dataDir, t.standardPorts, serverNames(t), t.slaves.keySet());
        ExecutorService pool = Executors.newCachedThreadPool();
        try {
            // NameServers and controllers know nothing of each other: side by side.
            List<Supplier<RocketMQServer>> first = new ArrayList<>();
            for (int i = 1; i <= t.nameServers; i++) {
                String name = "namesrv-" + i;
                first.add(() -> server(RocketMQServer.Role.NAMESRV, name, tlsSettings(t), List.of("--role", "namesrv")));
            }
            first.addAll(controllerStarts(t));
            for (RocketMQServer server : all(pool, first)) {
                (server.role() == RocketMQServer.Role.NAMESRV ? nameServers : controllers).add(server);
            }
            String namesrv = nameServerAddresses();

            // A kept controller-mode cluster started again: its controller already knows each
            // group's master and sync state set, so every broker may start at once.
            boolean restart = t.controllers > 0 && t.dataDir != null && serverNames(t).stream()
                .filter(n -> groupOf(n, t) != null).allMatch(n -> java.nio.file.Files.isDirectory(t.dataDir.resolve(n).resolve("store")));
            List<Supplier<RocketMQServer>> masters = new ArrayList<>();
            t.slaves.forEach((group, count) -> {
                for (int id = 0; id <= (restart ? count : 0); id++) {
                    int brokerId = id;
                    masters.add(() -> broker(t, group, brokerId, namesrv));
                }
            });
            for (RocketMQServer master : all(pool, masters)) {
                groups.computeIfAbsent(groupOf(master.name(), t), k -> new ArrayList<>()).add(master);
            }
            // The proxy once masters are registered: it creates its system topic on the cluster at start.
            CompletableFuture<RocketMQServer> proxyStarted = t.proxy
                ? CompletableFuture.supplyAsync(() -> server(RocketMQServer.Role.PROXY, "proxy",
                    proxySettings(t), List.of("--role", "proxy", "--namesrv", namesrv)), pool)
                : CompletableFuture.completedFuture(null);
            // Slaves after their masters: a slave learns where its master's HA port is when it registers.
            List<Supplier<RocketMQServer>> slaves = new ArrayList<>();
            t.slaves.forEach((group, count) -> {
                for (int id = 1; id <= (restart ? 0 : count); id++) {
                    int brokerId = id;
                    slaves.add(() -> broker(t, group, brokerId, namesrv));
                }
            });
            for (RocketMQServer slave : all(pool, slaves)) {
                groups.get(groupOf(slave.name(), t)).add(slave);
            }
            proxy = proxyStarted.join();
            if (!controllers.isEmpty() && !restart) {
                awaitSyncStateSets();
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        } finally {
            pool.shutdown();
        }
        startMillis = (System.nanoTime() - t0) / 1_000_000;
    }

    /**
     * Controller mode: a master has a successor only once its group's other brokers are in the
     * sync state set, which they join seconds after they connect (they catch up, then report). A
     * master killed before that is not replaced at all. So a new cluster is started when every
     * group's brokers are all in it (at most 30 s; after that it goes on, and says so). Not a kept
     * cluster started again: a broker that was killed in its last run took longer than 30 s to
     * rejoin the set (seen in StandaloneClusterTest), and its controller already has a master.
     */
    private void awaitSyncStateSets() {
        try (RocketMQAdmin admin = RocketMQAdmin.connect(rocketMQ())) {
            Wait.until(java.time.Duration.ofSeconds(30), "every broker in its group's sync state set", () -> {
                for (RocketMQServer controller : controllers) {
                    try {
                        Map<String, org.apache.rocketmq.remoting.protocol.body.BrokerReplicasInfo.ReplicasInfo> table = admin.api()
                            .getInSyncStateData(controller.address(), List.copyOf(groups.keySet())).getReplicasInfoTable();
                        return groups.entrySet().stream().allMatch(g -> table.get(g.getKey()) != null
                            && table.get(g.getKey()).getInSyncReplicas().stream().map(r -> r.getBrokerAddress()).toList()
                                .containsAll(g.getValue().stream().map(RocketMQServer::address).toList()));
                    } catch (Exception notTheLeader) {
                        // another controller of a quorum answers
                    }
                }
                return false;
            });
        } catch (Exception e) {
            throw new IllegalStateException("could not read the controllers' sync state sets: " + e.getMessage(), e);
        }
    }

    /**
     * The controllers' Raft peers need each other's ports up front: chosen here, one free port each
     * (or the planned ones). A DLedger controller has one port, its peer address: it serves the
     * brokers' requests there too (DLedger sets the listen port to it), so that is its address.
     */
    private List<Supplier<RocketMQServer>> controllerStarts(Topology t) {
        List<String> peers = new ArrayList<>();
        List<Integer> peerPorts = new ArrayList<>();
        try {
            for (int i = 0; i < t.controllers; i++) {
                Integer planned = ports.get("controller-" + (i + 1));
                int port = planned != null ? planned : learn.rocketmq.stack.server.ServerMain.Ports.one(); // claimed: no other takes it
                peers.add("n" + i + "-127.0.0.1:" + port);
                peerPorts.add(port);
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        List<Supplier<RocketMQServer>> starts = new ArrayList<>();
        for (int i = 0; i < t.controllers; i++) {
            Map<String, String> settings = Map.of("controllerDLegerPeers", String.join(";", peers), "controllerDLegerSelfId", "n" + i);
            String name = "controller-" + (i + 1);
            List<String> args = ports.containsKey(name) ? List.of("--role", "controller") // server() adds the planned port
                : List.of("--role", "controller", "--listen", peerPorts.get(i).toString());
            starts.add(() -> server(RocketMQServer.Role.CONTROLLER, name, settings, args));
        }
        return starts;
    }

    /** The broker group of a server name ({@code broker-a-1}: broker-a), or null for other servers. */
    private static String groupOf(String serverName, Topology t) {
        return ClusterPorts.groupOf(serverName, t.slaves.keySet());
    }

    /** Every server of {@code t} and its documented port ({@link ClusterPorts#STANDARD}): what docker-compose.cluster.yml must match. */
    static Map<String, Integer> standardPorts(Topology t) {
        return ClusterPorts.standard(serverNames(t), t.slaves.keySet());
    }

    /** Every server's name, in start order. */
    private static List<String> serverNames(Topology t) {
        List<String> names = new ArrayList<>();
        for (int i = 1; i <= t.nameServers; i++) {
            names.add("namesrv-" + i);
        }
        for (int i = 1; i <= t.controllers; i++) {
            names.add("controller-" + i);
        }
        t.slaves.forEach((group, count) -> {
            for (int id = 0; id <= count; id++) {
                names.add(group + "-" + id);
            }
        });
        if (t.proxy) {
            names.add("proxy");
        }
        return names;
    }

    /** Starts one server: in its kept directory on its planned ports, or in a temporary one on free ports. */
    private RocketMQServer server(RocketMQServer.Role role, String name, Map<String, String> settings, List<String> roleArgs) {
        return server(role, name, settings, roleArgs, jvmOptions);
    }

    private RocketMQServer server(RocketMQServer.Role role, String name, Map<String, String> settings, List<String> roleArgs,
                                  List<String> jvm) {
        List<String> args = new ArrayList<>(roleArgs);
        if (ports.containsKey(name)) {
            args.addAll(List.of("--listen", ports.get(name).toString()));
        }
        if (ports.containsKey(name + ".remoting")) {
            args.addAll(List.of("--remoting-port", ports.get(name + ".remoting").toString()));
        }
        if (rocketmqLogging) {
            args.add("--rocketmq-logging");
        }
        return RocketMQServer.start(role, name, profile, settings, args, dataDir == null ? null : dataDir.resolve(name), jvm);
    }

    private RocketMQServer broker(Topology t, String group, int brokerId, String namesrv) {
        Map<String, String> settings = new LinkedHashMap<>(t.brokerSettings);
        settings.keySet().removeIf(k -> k.startsWith("proxy."));
        settings.putAll(t.groupSettings.getOrDefault(group, Map.of()));
        settings.put("brokerName", group);
        if (!controllers.isEmpty()) {
            // The controller assigns ids and roles; the broker asks it at start.
            settings.put("enableControllerMode", "true");
            settings.put("controllerAddr", controllers.stream().map(RocketMQServer::address).collect(Collectors.joining(";")));
        } else {
            settings.put("brokerId", Integer.toString(brokerId));
            settings.put("brokerRole", brokerId > 0 ? "SLAVE" : t.replication.get(group) == Replication.SYNC ? "SYNC_MASTER" : "ASYNC_MASTER");
        }
        return server(RocketMQServer.Role.BROKER, group + "-" + brokerId, settings, List.of("--role", "broker", "--namesrv", namesrv),
            groupJvmOptions.getOrDefault(group, jvmOptions));
    }

    /** The tls.* settings (mode, certificate): the NameServers take them too, one TLS set-up for the deployment. */
    private static Map<String, String> tlsSettings(Topology t) {
        return t.brokerSettings.entrySet().stream().filter(e -> e.getKey().startsWith("tls."))
            .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    }

    private static Map<String, String> proxySettings(Topology t) {
        return t.brokerSettings.entrySet().stream().filter(e -> e.getKey().startsWith("proxy."))
            .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    }

    private static List<RocketMQServer> all(ExecutorService pool, List<Supplier<RocketMQServer>> starts) {
        List<CompletableFuture<RocketMQServer>> futures = starts.stream().map(s -> CompletableFuture.supplyAsync(s, pool)).toList();
        List<RocketMQServer> started = new ArrayList<>();
        RuntimeException failure = null;
        for (CompletableFuture<RocketMQServer> f : futures) {
            try {
                started.add(f.join());
            } catch (RuntimeException e) {
                failure = failure == null ? e : failure;
            }
        }
        if (failure != null) {
            started.forEach(RocketMQServer::close);
            throw failure;
        }
        return started;
    }

    /** The addresses a lesson takes: the NameServers ({@code "h:p;h:p"}, as classic clients take them) and the proxy. */
    public RocketMQ rocketMQ() {
        if (external != null) {
            return external;
        }
        return new RocketMQ(nameServerAddresses(), proxy == null ? null : proxy.address(),
            "a cluster of " + servers().size() + " server processes: NameServers " + nameServerAddresses()
                + (proxy == null ? "" : ", proxy " + proxy.address()), profile);
    }

    /** {@code host:port;host:port}: every NameServer. */
    public String nameServerAddresses() {
        if (external != null) {
            return external.nameServer();
        }
        return nameServers.stream().map(RocketMQServer::address).collect(Collectors.joining(";"));
    }

    public List<RocketMQServer> nameServers() {
        requireOwnServers();
        return List.copyOf(nameServers);
    }

    /** The controllers (empty without controller mode). */
    public List<RocketMQServer> controllers() {
        requireOwnServers();
        return List.copyOf(controllers);
    }

    /** Every broker of a group: the first one started first (its first master), then the others. */
    public List<RocketMQServer> brokers(String brokerName) {
        return List.copyOf(group(brokerName));
    }

    /** Whether this is a cluster the learner gave (addresses only): its servers cannot be killed from here. */
    public boolean isExternal() {
        return external != null;
    }

    /** The master (brokerId 0) of a broker group. */
    public RocketMQServer master(String brokerName) {
        return group(brokerName).get(0);
    }

    /** Slave {@code brokerId} (1, 2, ...) of a broker group. */
    public RocketMQServer slave(String brokerName, int brokerId) {
        return group(brokerName).get(brokerId);
    }

    /** The proxy, or null without one. */
    public RocketMQServer proxy() {
        requireOwnServers();
        return proxy;
    }

    /** Every server: NameServers, brokers, proxy. */
    public List<RocketMQServer> servers() {
        List<RocketMQServer> all = new ArrayList<>(nameServers);
        all.addAll(controllers);
        groups.values().forEach(all::addAll);
        if (proxy != null) {
            all.add(proxy);
        }
        return all;
    }

    /** How long {@link Topology#start()} took, in ms. */
    public long startMillis() {
        return startMillis;
    }

    private void requireOwnServers() {
        if (external != null) {
            // Not "unavailable": the cluster is there, the lesson may not touch its servers.
            throw new UnsupportedOperationException("this step kills, stops or pauses a server: run the lesson without"
                + " --namesrv/--proxy, and it starts a cluster of its own for it (not the one you gave, " + external.nameServer() + ")");
        }
    }

    private List<RocketMQServer> group(String brokerName) {
        requireOwnServers();
        List<RocketMQServer> group = groups.get(brokerName);
        if (group == null) {
            throw new IllegalArgumentException("no broker group " + brokerName + " in this cluster: " + groups.keySet());
        }
        return group;
    }

    /**
     * Ends every server (side by side) and deletes their directories. A kept cluster
     * ({@link Topology#dataDir}) is stopped cleanly instead (each server's own graceful shutdown:
     * a broker unregisters, persists its offsets and flushes its store), side by side as a
     * terminal's Ctrl-C stops them (one after the other took 31 s: the proxy 11, the brokers 12, the
     * controller 6); its directories stay.
     */
    @Override
    public void close() {
        if (external == null) {
            closeAll(servers());
        }
    }

    /** The data directory of a kept cluster ({@link Topology#dataDir}), or null. */
    public java.nio.file.Path dataDir() {
        return dataDir;
    }

    private static void closeAll(List<RocketMQServer> servers) {
        CompletableFuture.allOf(servers.stream().map(s -> CompletableFuture.runAsync(s::close)).toArray(CompletableFuture[]::new))
            .join();
    }
}
