package learn.rocketmq.patterns.errors;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import learn.rocketmq.clients.Clients;
import learn.rocketmq.clients.TopicContents;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQAdmin;
import learn.rocketmq.stack.RocketMQCluster;
import learn.rocketmq.stack.RocketMQServer;
import learn.rocketmq.stack.Wait;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.common.attribute.TopicMessageType;
import org.apache.rocketmq.common.message.MessageExt;

/**
 * Graceful degradation: the only broker is killed while orders keep coming; the producer spools
 * them to local disk and sends them, in order, once the broker is back.
 * Roadmap: 7.2 Error Handling: Graceful degradation.
 *
 * <p>An application that cannot reach RocketMQ has three choices: fail its own caller, drop the
 * message, or keep it somewhere durable and send it later. A {@link SpoolingProducer} keeps it in a
 * file on local disk (forced to the disk) and, once one message is spooled, spools every later one
 * too until the spool is drained, so no message of a key overtakes an earlier one. Here the broker is
 * killed (SIGKILL) after 10 orders per customer, 10 more per customer are taken while it is down,
 * the broker restarts on its store, 5 more go behind them into the spool, the spool drains, and 5
 * more follow. What the spool cannot
 * cover: a disk lost with the machine, and a send that timed out but was stored (it is spooled and
 * sent again: consumers must be idempotent). Run it: {@code ./lesson GracefulDegradation} (it starts
 * a NameServer and a broker, each a process of its own, and kills the broker).
 */
public class GracefulDegradation {

    public static final List<String> CUSTOMERS = List.of("ann", "ben", "cat", "dan", "eve");

    public static void main(String[] args) throws Exception {
        try (RocketMQCluster cluster = RocketMQCluster.forLesson(args, RocketMQCluster.topology().brokerGroup("broker-a"))) {
            Result r = run(cluster, "LessonDegradation", Files.createTempDirectory("lesson-degradation").resolve("orders.spool"));
            System.out.printf("Done: %d sent at once, %d spooled while the broker was down; the topic holds %s per customer.%n",
                r.sentAtOnce(), r.spooled(), r.orderPerCustomer().values().stream().map(List::size).toList());
        }
    }

    /** Sent straight away, spooled, and each customer's order numbers as the topic holds them (queue order). */
    public record Result(int sentAtOnce, int spooled, Map<String, List<Integer>> orderPerCustomer) {
    }

    public static Result run(RocketMQCluster cluster, String topic, Path spoolFile) throws Exception {
        RocketMQ rocketmq = cluster.rocketMQ();
        RocketMQServer broker = cluster.master("broker-a");
        try (RocketMQAdmin admin = RocketMQAdmin.connect(rocketmq)) {
            admin.createTopic(topic, TopicMessageType.NORMAL);
        }
        DefaultMQProducer producer = Clients.configure(new DefaultMQProducer(topic + "-orders"), rocketmq);
        producer.setSendMsgTimeout(1000);
        producer.start();
        int atOnce = 0;
        try {
            SpoolingProducer orders = new SpoolingProducer(producer, topic, spoolFile);
            // 1. Orders 1..10 of each customer, with the broker up.
            atOnce += sendOrders(orders, 1, 10);
            // 2. The broker killed; orders 11..20 go to the spool.
            broker.kill();
            atOnce += sendOrders(orders, 11, 20);
            System.out.printf("1-2. Broker killed after order 10: %d orders in the spool %s%n", orders.pending(), spoolFile);
            // 3. The broker back on its store and routed again. Orders 21..25 still go to the spool, behind
            //    11..20: sent now, they would overtake them. Then the spool drains, in order.
            broker.restart();
            try (RocketMQAdmin admin = RocketMQAdmin.connect(rocketmq)) {
                Wait.until(Duration.ofSeconds(60), "the broker to be routed again", () -> routed(admin, topic));
            }
            atOnce += sendOrders(orders, 21, 25);
            Wait.until(Duration.ofSeconds(60), "the spool to drain", () -> orders.drain() == 0);
            System.out.printf("3. Broker restarted; orders 21..25 spooled behind the others; spool drained (%d messages)%n", orders.spooled());
            // 4. Orders 26..30, straight to the broker again.
            atOnce += sendOrders(orders, 26, 30);
            Map<String, List<Integer>> stored = new TreeMap<>();
            for (MessageExt m : TopicContents.readAll(rocketmq, topic)) {
                stored.computeIfAbsent(m.getKeys(), k -> new ArrayList<>())
                    .add(Integer.parseInt(new String(m.getBody(), StandardCharsets.UTF_8).split(" ")[1]));
            }
            stored.forEach((customer, numbers) -> System.out.printf("4. %s: %s%n", customer, numbers));
            return new Result(atOnce, orders.spooled(), stored);
        } finally {
            producer.shutdown();
        }
    }

    private static boolean routed(RocketMQAdmin admin, String topic) {
        try {
            return !admin.api().examineTopicRouteInfo(topic).getQueueDatas().isEmpty();
        } catch (Exception notYet) {
            return false;
        }
    }

    /** Orders {@code from..to} of every customer, round robin; returns how many went to the broker at once. */
    private static int sendOrders(SpoolingProducer orders, int from, int to) throws Exception {
        int atOnce = 0;
        for (int n = from; n <= to; n++) {
            for (String customer : CUSTOMERS) {
                atOnce += orders.send(customer, "order " + n) ? 1 : 0;
            }
        }
        return atOnce;
    }
}
