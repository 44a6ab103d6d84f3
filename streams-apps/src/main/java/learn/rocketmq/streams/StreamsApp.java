package learn.rocketmq.streams;

import java.util.List;
import java.util.Properties;
import org.apache.rocketmq.common.MixAll;
import org.apache.rocketmq.streams.core.RocketMQStream;

/**
 * What every Streams application here takes from its command line (NameServer, job id, source and
 * sink topics) and how it runs: started, then stopped when its standard input closes (the lesson's
 * clean stop) or the JVM is killed (the lesson's crash).
 */
public record StreamsApp(String nameServer, String job, String source, String sink) {

    public static StreamsApp from(String[] args) {
        current = new StreamsApp(option(args, "--namesrv"), option(args, "--job"), option(args, "--source"), option(args, "--sink"));
        return current;
    }

    /**
     * This JVM's application: for code Streams creates and copies itself (an {@code Accumulator} is
     * cloned and stored as JSON per window), which cannot hold a reference to it.
     */
    static StreamsApp current;

    /** The NameServer, for RocketMQStream's clients; more settings are added by the application. */
    public Properties properties() {
        Properties properties = new Properties();
        properties.put(MixAll.NAMESRV_ADDR_PROPERTY, nameServer);
        return properties;
    }

    /**
     * Called on each record the source hands over ({@code RStream.foreach}): the first one tells the
     * lesson that the job consumes. Streams 1.1.1's source starts at a new group's last offset, found
     * only at its first pull, so what is sent before that may be skipped: the lesson sends probe
     * records until it reads this line, and its real records after.
     */
    public <T> void seen(T record) {
        announce("consuming source");
    }

    /**
     * The same behind {@code keyBy}: there records go through a shuffle topic (8 queues, chosen by the
     * key's hash) whose consumer also starts at the last offset, so each key is announced the first
     * time it comes out of the shuffle.
     */
    public void seenKey(Object key) {
        announce("consuming key " + key);
    }

    /**
     * Called each time an aggregation took an order in (every time: a replayed order is printed again):
     * the lesson's sign that it got that far.
     */
    public void counted(Order order) {
        System.out.println("[streams] " + job + " counted " + order.id());
    }

    private void announce(String what) {
        if (announced.add(what)) {
            System.out.println("[streams] " + job + " " + what);
        }
    }

    private static final java.util.Set<String> announced = java.util.concurrent.ConcurrentHashMap.newKeySet();

    public void run(RocketMQStream stream) throws Exception {
        stream.start();
        System.out.println("[streams] " + job + " running");
        while (System.in.read() >= 0) {
            // runs until the lesson closes standard input
        }
        stream.stop();
        System.out.println("[streams] " + job + " stopped");
        System.exit(0);
    }

    static String option(String[] args, String name) {
        int i = List.of(args).indexOf(name);
        if (i < 0 || i + 1 >= args.length) {
            throw new IllegalArgumentException("missing " + name + " (arguments: --namesrv HOST:PORT --job ID --source TOPIC --sink TOPIC)");
        }
        return args[i + 1];
    }
}
