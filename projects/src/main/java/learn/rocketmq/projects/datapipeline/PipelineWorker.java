package learn.rocketmq.projects.datapipeline;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import learn.rocketmq.internals.connect.ConnectWorker;
import learn.rocketmq.internals.connect.TableSinkConnector;
import learn.rocketmq.internals.connect.TableSourceConnector;
import learn.rocketmq.stack.RocketMQ;

/**
 * The data pipeline's worker process: a Connect worker running its two connectors, the orders
 * table into the topic through {@link OrderEnrichment}, and the topic into the warehouse table. It
 * runs until its standard input closes (then it stops cleanly: positions and offsets committed) or
 * it is killed. The worker is the lessons' {@link ConnectWorker}, a stand-in for the RocketMQ
 * Connect runtime, which is not published on Maven Central.
 * Roadmap: Phase 6 hands-on: Data pipeline with connectors.
 * Run by {@code DataPipeline}; alone: {@code ./lesson PipelineWorker --namesrv HOST:PORT --jdbc URL --topic T --name N}.
 */
public class PipelineWorker {

    public static void main(String[] args) throws Exception {
        String jdbc = option(args, "--jdbc");
        String topic = option(args, "--topic");
        String name = option(args, "--name");
        RocketMQ rocketmq = RocketMQ.forLesson(new String[] {"--namesrv", option(args, "--namesrv")});
        try (ConnectWorker worker = new ConnectWorker(rocketmq, name + "-" + ProcessHandle.current().pid(), Duration.ofSeconds(1))) {
            worker.start(name + "-source", ConnectWorker.config(Map.of("connector.class", TableSourceConnector.class.getName(),
                "jdbc.url", jdbc, "tables", "orders", "connect.topicname", topic, "max.tasks", "1", "poll.batch", "10",
                "transforms", OrderEnrichment.class.getName())));
            worker.start(name + "-sink", ConnectWorker.config(Map.of("connector.class", TableSinkConnector.class.getName(),
                "jdbc.url", jdbc, "table", "order_facts", "key.field", "id", "connect.topicnames", topic, "max.tasks", "1")));
            System.out.println("[pipeline worker] running");
            while (System.in.read() >= 0) {
                // runs until the parent closes standard input
            }
            System.out.printf("[pipeline worker] stopping: %d records sent, %d put%n", worker.recordsSent(), worker.recordsPut());
        }
    }

    private static String option(String[] args, String name) {
        int i = List.of(args).indexOf(name);
        if (i < 0 || i + 1 >= args.length) {
            throw new IllegalArgumentException("missing " + name + "; usage: PipelineWorker --namesrv HOST:PORT --jdbc URL --topic T --name N");
        }
        return args[i + 1];
    }
}
