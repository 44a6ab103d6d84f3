package learn.rocketmq.production.clients;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import learn.rocketmq.clients.Clients;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQAdmin;
import learn.rocketmq.stack.Wait;
import org.apache.rocketmq.client.apis.ClientServiceProvider;
import org.apache.rocketmq.client.apis.consumer.FilterExpression;
import org.apache.rocketmq.client.apis.consumer.SimpleConsumer;
import org.apache.rocketmq.client.apis.message.MessageView;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.common.attribute.TopicMessageType;
import org.apache.rocketmq.common.message.Message;

/**
 * Queue-level against message-level balancing: two consumers of a group on a topic with ONE queue.
 * Roadmap: 5.3 Producer/Consumer Configuration: Load balancing.
 *
 * <p>A classic push consumer owns queues: each queue of a topic goes to exactly one consumer of
 * the group (lesson {@code LoadBalancing}), so a group never works faster than its topic has
 * queues, and a consumer beyond that number sits idle. A 5.x consumer (SimpleConsumer, and the
 * 5.x PushConsumer too) owns nothing: it pops messages through the proxy, each message to one
 * consumer, so two consumers share even one queue. The price: per-message acknowledgements, and no
 * order within a queue unless the topic is FIFO. Each consumer here takes 100 ms per message, as a
 * slow service would. Run it: {@code ./lesson MessageLevelBalancing}.
 */
public class MessageLevelBalancing {

    private static final Duration WORK = Duration.ofMillis(100);

    public static void main(String[] args) throws Exception {
        RocketMQ rocketmq = RocketMQ.forLesson(args);
        Result r = run(rocketmq, "LessonMessageLevelBalancing", "lesson-message-level-balancing", 20);
        System.out.printf("Done: one queue, two consumers: classic (queue-level) %s, 5.x (message-level) %s.%n",
            r.classic(), r.grpc());
    }

    /** Messages handled by each consumer, by name, for each client API. */
    public record Result(Map<String, Integer> classic, Map<String, Integer> grpc) {
    }

    public static Result run(RocketMQ rocketmq, String topic, String group, int count) throws Exception {
        try (RocketMQAdmin admin = RocketMQAdmin.connect(rocketmq)) {
            // A topic of one queue for each client API, and a group for each.
            for (String api : List.of("-classic", "-grpc")) {
                admin.createTopic(topic + api, TopicMessageType.NORMAL, 1);
                admin.createConsumerGroup(group + api);
            }
            System.out.printf("1. Two topics with 1 queue each; %d messages to each, two consumers of a group on each%n", count);
            Map<String, Integer> classic = classic(rocketmq, admin, topic + "-classic", group + "-classic", count);
            System.out.printf("2. Classic push consumers (queue-level): %s messages handled%n", classic);
            Map<String, Integer> grpc = grpc(rocketmq, topic + "-grpc", group + "-grpc", count);
            System.out.printf("3. 5.x simple consumers (message-level): %s messages handled%n", grpc);
            return new Result(classic, grpc);
        }
    }

    /** Two push consumers, both in the group before the first message is taken: the one queue goes to one of them. */
    private static Map<String, Integer> classic(RocketMQ rocketmq, RocketMQAdmin admin, String topic, String group, int count)
        throws Exception {
        Map<String, Set<String>> handled = new TreeMap<>();
        List<DefaultMQPushConsumer> consumers = new ArrayList<>();
        try {
            for (String name : List.of("consumer-1", "consumer-2")) {
                Set<String> keys = ConcurrentHashMap.newKeySet();
                handled.put(name, keys);
                DefaultMQPushConsumer consumer = Clients.configure(new DefaultMQPushConsumer(group), rocketmq);
                consumer.setInstanceName(group + "-" + name);
                consumer.subscribe(topic, "*");
                consumer.registerMessageListener((MessageListenerConcurrently) (msgs, ctx) -> {
                    msgs.forEach(m -> keys.add(m.getKeys()));
                    work();
                    return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
                });
                consumer.start();
                consumers.add(consumer);
            }
            // Sent once both are in the group and the queue has been given to one of them.
            Wait.until(Duration.ofSeconds(30), "both consumers in the group, the queue held by one",
                () -> admin.api().examineConsumerConnectionInfo(group).getConnectionSet().size() == 2
                    && heldQueues(admin, group, topic, consumers) == 1);
            send(rocketmq, topic, group, count);
            Wait.until(Duration.ofSeconds(60), "every message handled", () -> total(handled) >= count);
            // Counted before the consumers stop: the one left takes the queue over as the other
            // leaves, and gets again what the other had not committed yet (at-least-once).
            return counts(handled);
        } finally {
            consumers.forEach(DefaultMQPushConsumer::shutdown);
        }
    }

    /** Two simple consumers, each receiving one message at a time in a thread of its own. */
    private static Map<String, Integer> grpc(RocketMQ rocketmq, String topic, String group, int count) throws Exception {
        ClientServiceProvider provider = ClientServiceProvider.loadService();
        Map<String, Set<String>> handled = new TreeMap<>();
        AtomicBoolean done = new AtomicBoolean();
        List<Thread> threads = new ArrayList<>();
        List<SimpleConsumer> consumers = new ArrayList<>();
        try {
            for (String name : List.of("consumer-1", "consumer-2")) {
                Set<String> keys = ConcurrentHashMap.newKeySet();
                handled.put(name, keys);
                SimpleConsumer consumer = provider.newSimpleConsumerBuilder().setClientConfiguration(Clients.configuration(rocketmq))
                    .setConsumerGroup(group).setSubscriptionExpressions(Map.of(topic, FilterExpression.SUB_ALL))
                    .setAwaitDuration(Duration.ofSeconds(2)).build();
                consumers.add(consumer);
                threads.add(new Thread(() -> {
                    while (!done.get()) {
                        try {
                            for (MessageView view : consumer.receive(1, Duration.ofSeconds(30))) {
                                keys.add(view.getKeys().iterator().next());
                                work();
                                consumer.ack(view);
                            }
                        } catch (Exception e) {
                            if (!done.get()) {
                                System.out.println("   " + name + ": " + e.getMessage());
                            }
                        }
                    }
                }, name));
            }
            threads.forEach(Thread::start);
            send(rocketmq, topic, group, count);
            Wait.until(Duration.ofSeconds(60), "every message handled", () -> total(handled) >= count);
            return counts(handled);
        } finally {
            done.set(true);
            for (Thread t : threads) {
                t.join(10_000);
            }
            Clients.closeAll(consumers);
        }
    }

    private static void send(RocketMQ rocketmq, String topic, String group, int count) throws Exception {
        DefaultMQProducer producer = Clients.configure(new DefaultMQProducer(group + "-producer"), rocketmq);
        producer.start();
        try {
            for (int i = 0; i < count; i++) {
                String key = "m-" + i;
                producer.send(new Message(topic, null, key, key.getBytes(StandardCharsets.UTF_8)));
            }
        } finally {
            producer.shutdown();
        }
    }

    /** How many queues of the topic the group's consumers hold, added up (as mqadmin consumerStatus shows them). */
    private static int heldQueues(RocketMQAdmin admin, String group, String topic, List<DefaultMQPushConsumer> consumers) {
        int held = 0;
        for (DefaultMQPushConsumer consumer : consumers) {
            try {
                held += (int) admin.api().getConsumerRunningInfo(group, consumer.buildMQClientId(), false).getMqTable().keySet()
                    .stream().filter(q -> q.getTopic().equals(topic)).count();
            } catch (Exception notYetKnown) {
                return -1;
            }
        }
        return held;
    }

    private static void work() {
        try {
            Thread.sleep(WORK.toMillis()); // the service's own work on a message
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static int total(Map<String, Set<String>> handled) {
        return handled.values().stream().mapToInt(Set::size).sum();
    }

    private static Map<String, Integer> counts(Map<String, Set<String>> handled) {
        Map<String, Integer> counts = new TreeMap<>();
        handled.forEach((name, keys) -> counts.put(name, keys.size()));
        return counts;
    }
}
