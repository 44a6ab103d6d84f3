package learn.rocketmq.stack;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.rocketmq.common.MixAll;
import org.apache.rocketmq.remoting.protocol.route.BrokerData;

/**
 * {@code ./rocketmq up --cluster}: a production-shaped cluster on one machine, every server a
 * process of its own, in the foreground until Ctrl-C. Two NameServers, a controller, two broker
 * groups (broker-a, broker-b) of two brokers each in controller mode (the controller picks each
 * group's master and promotes the other broker when the master dies), and a 5.x proxy in CLUSTER
 * mode. RocketMQ's default settings, on the documented ports ({@link ClusterPorts#STANDARD}).
 *
 * <p>Like {@code ./rocketmq up} it keeps its data (every server's store, the controller's Raft
 * log, logs) across restarts, in {@code ./rocketmq-cluster-data} unless {@code --data DIR};
 * {@code --fresh} empties it first, {@code --free-ports} picks free ports at the first start on a
 * data directory (kept there for the next). Ctrl-C stops every server cleanly, side by side (in a
 * terminal each gets the signal itself, as processes of the same terminal). A server that dies meanwhile (a learner's
 * {@code kill -9} of a master, to watch the failover) is reported, and the others go on.
 */
final class StandaloneCluster {

    private static final String USAGE = "Usage: ./rocketmq up --cluster [--fresh] [--data DIR] [--free-ports]";

    private StandaloneCluster() {
    }

    public static void main(String[] args) throws Exception {
        Path data = Path.of("rocketmq-cluster-data");
        boolean fresh = false;
        boolean standardPorts = true;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--cluster" -> { }
                case "--data" -> data = Path.of(args[++i]);
                case "--fresh" -> fresh = true;
                case "--free-ports" -> standardPorts = false;
                default -> fail(2, "unknown option " + args[i] + ". " + USAGE);
            }
        }
        Path dir = data.toAbsolutePath();
        for (String broker : List.of("broker-a-0", "broker-a-1", "broker-b-0", "broker-b-1")) {
            String inUse = StandaloneRocketMQ.inUse(dir.resolve(broker).resolve("store"), dir);
            if (inUse != null) {
                fail(1, inUse.replace("./rocketmq up", "./rocketmq up --cluster"));
            }
        }
        if (fresh) {
            WorkDir.deleteTree(dir);
        }
        boolean reused = Files.exists(dir.resolve("broker-a-0/store/config/topics.json"));

        RocketMQCluster.Topology topology = topology().dataDir(dir);
        if (standardPorts) {
            topology.standardPorts();
        }
        RocketMQCluster cluster;
        try {
            cluster = topology.start();
        } catch (RuntimeException e) {
            fail(1, e.getMessage());
            return;
        }
        RocketMQ rocketmq = cluster.rocketMQ();
        Map<String, String> roles = roles(rocketmq);
        StringBuilder servers = new StringBuilder();
        for (RocketMQServer server : cluster.servers()) {
            servers.append(String.format("  %-13s %-11s %-17s pid %-7d %s%n", server.name(), server.role().name().toLowerCase(),
                server.address(), server.pid(), switch (server.role()) {
                    case BROKER -> roles.getOrDefault(server.address(), "");
                    case PROXY -> "CLUSTER mode; remoting " + server.remotingAddress();
                    default -> "";
                }));
        }
        System.out.printf("""
            A RocketMQ 5.5.0 cluster is up (started in %d ms), default settings, %d server processes:
            %s  Classic clients: setNamesrvAddr("%s")
              5.x clients:     setEndpoints("%s")
              Data             %s   (%s)
            Try: ./rocketmq mqadmin clusterList -n %s
                 ./lesson SendAndReceive --namesrv "%s" --proxy %s
            Kill a master (kill -9 <its pid>) and watch the controller make its slave the master.
            Ctrl-C stops the cluster cleanly; ./rocketmq up --cluster starts it again on its data
            (./rocketmq up --cluster --fresh starts empty).
            """, cluster.startMillis(), cluster.servers().size(), servers, rocketmq.nameServer(), rocketmq.proxy(), dir,
            reused ? "kept from the last run" : "new", cluster.nameServers().get(0).address(), rocketmq.nameServer(),
            rocketmq.proxy());

        Object stopping = new Object();
        boolean[] stopped = new boolean[1];
        for (RocketMQServer server : cluster.servers()) {
            long pid = server.pid();
            ProcessHandle.of(pid).ifPresent(p -> p.onExit().thenRun(() -> {
                synchronized (stopping) {
                    if (!stopped[0]) {
                        System.out.println(server.name() + " (pid " + pid + ") has ended without a clean stop. Its data is kept;"
                            + " the others go on" + (server.role() == RocketMQServer.Role.BROKER
                                ? " (if it was a master, the controller makes the other broker of its group the master)" : "")
                            + ". Its log: " + server.logFile());
                    }
                }
            }));
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            synchronized (stopping) {
                stopped[0] = true;
            }
            System.out.println("Stopping the cluster cleanly (every server's own shutdown, side by side; ~10-15 s)...");
            long t0 = System.nanoTime();
            cluster.close();
            List<String> unclean = new ArrayList<>();
            for (RocketMQServer server : cluster.servers()) {
                Optional<String> clean = server.stopReport();
                if (clean.isEmpty()) {
                    unclean.add(server.name());
                }
            }
            if (unclean.isEmpty()) {
                System.out.println("The cluster stopped cleanly in " + Duration.ofNanos(System.nanoTime() - t0).toMillis()
                    + " ms. Its data is kept in " + dir + ": ./rocketmq up --cluster starts it again.");
            } else {
                System.out.println("Stopped; " + String.join(", ", unclean) + " had ended without a clean stop before."
                    + " Its data is kept: ./rocketmq up --cluster recovers it.");
            }
            System.out.flush();
            Runtime.getRuntime().halt(0); // 0 after a stop asked for (not the signal's 130/143), as service managers expect
        }, "cluster-stop"));
        Thread.currentThread().join(); // until Ctrl-C
    }

    /**
     * The cluster, at RocketMQ's defaults (docker-compose.cluster.yml runs the same servers on the
     * same ports, and DockerComposeClusterFileTest holds the two together).
     */
    static RocketMQCluster.Topology topology() {
        return RocketMQCluster.topology()
            .nameServers(2)
            .controllers(1)
            .brokerGroup("broker-a", 1, RocketMQCluster.Replication.SYNC)
            .brokerGroup("broker-b", 1, RocketMQCluster.Replication.SYNC)
            .proxy()
            .profile(StackProfile.DEFAULTS);
    }

    /** Each broker's role now, as its NameServer routes it: "master of broker-a", "slave of broker-a". */
    private static Map<String, String> roles(RocketMQ rocketmq) {
        try (RocketMQAdmin admin = RocketMQAdmin.connect(rocketmq)) {
            Map<String, String> roles = new java.util.HashMap<>();
            // Wait until every group has a master and a slave registered (the slave registers once it knows its master).
            Wait.until(Duration.ofSeconds(30), "both broker groups to register their master and slave", () -> {
                Map<String, BrokerData> table = admin.api().examineBrokerClusterInfo().getBrokerAddrTable();
                return table.size() == 2 && table.values().stream().allMatch(b -> b.getBrokerAddrs().size() == 2);
            });
            for (BrokerData group : admin.api().examineBrokerClusterInfo().getBrokerAddrTable().values()) {
                group.getBrokerAddrs().forEach((id, address) -> roles.put(address,
                    (id == MixAll.MASTER_ID ? "master" : "slave (brokerId " + id + ")") + " of " + group.getBrokerName()));
            }
            return roles;
        } catch (Exception e) {
            return Map.of(); // roles not printed; mqadmin clusterList shows them
        }
    }

    private static void fail(int code, String message) {
        System.err.println("ERROR: " + message);
        System.exit(code);
    }
}
