package learn.rocketmq.stack;

/**
 * {@code ./rocketmq up}: the embedded server on the standard ports, in the foreground until Ctrl-C.
 * The no-Docker twin of {@code docker compose up}: same config files, same ports, RocketMQ's
 * default settings. Lessons started from another terminal (or the IDE) find it on 9876/8081.
 * Its store is temporary: gone when it stops.
 */
public final class StandaloneRocketMQ {

    public static void main(String[] args) throws Exception {
        EmbeddedRocketMQ stack;
        try {
            stack = EmbeddedRocketMQ.startOnStandardPorts();
        } catch (RuntimeException e) {
            System.err.println("ERROR: " + e.getMessage());
            System.exit(1);
            return;
        }
        RocketMQ rocketmq = stack.rocketMQ();
        System.out.printf("""
            RocketMQ 5.5.0 is up (started in %d ms, pid %d), default settings:
              NameServer     %s    classic clients: setNamesrvAddr("%s")
              Broker         %s   (registered as broker-a in DefaultCluster)
              Proxy (gRPC)   %s    5.x clients: setEndpoints("%s")
              Proxy (remoting) 127.0.0.1:8080
              Store          %s
              Logs           %s
            Try: ./rocketmq mqadmin clusterList     and, in another terminal: ./lesson SendAndReceive
            Ctrl-C stops it (and deletes its store).
            """, stack.startMillis(), stack.serverProcess().pid(), rocketmq.nameServer(), rocketmq.nameServer(),
            stack.brokerAddress(), rocketmq.proxy(), rocketmq.proxy(), stack.baseDir(), stack.logDir());
        stack.serverProcess().onExit().join();
        System.err.println("The RocketMQ server process ended; see its log above: " + stack.logDir());
        System.exit(1);
    }
}
