package learn.rocketmq.production.clients;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import learn.rocketmq.clients.Clients;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQAdmin;
import learn.rocketmq.stack.UniqueNames;
import learn.rocketmq.stack.Wait;
import org.apache.rocketmq.client.consumer.AllocateMessageQueueStrategy;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.consumer.rebalance.AllocateMessageQueueAveragely;
import org.apache.rocketmq.client.consumer.rebalance.AllocateMessageQueueAveragelyByCircle;
import org.apache.rocketmq.client.consumer.rebalance.AllocateMessageQueueByConfig;
import org.apache.rocketmq.client.consumer.rebalance.AllocateMessageQueueConsistentHash;
import org.apache.rocketmq.common.attribute.TopicMessageType;
import org.apache.rocketmq.common.message.MessageQueue;

/**
 * Load balancing in a consumer group: the classic client shares a topic's queues among the
 * group's consumers, each queue to exactly one, by an allocation strategy, and shares them again
 * (a rebalance) whenever a consumer joins or leaves.
 * Roadmap: 5.3 Producer/Consumer Configuration: Load balancing.
 *
 * <p>Every consumer computes its own share from the same two sorted lists (the queues, from the
 * NameServer; the group's consumer ids, from the broker), so they agree without talking to each
 * other. {@code AllocateMessageQueueAveragely} (the default) gives each a contiguous block;
 * {@code ...AveragelyByCircle} deals them out one by one; {@code ...ConsistentHash} places
 * consumers on a hash ring, so a leaving consumer's queues go to its neighbours and the others keep
 * theirs (but with few queues its shares can be far from even: look at the output);
 * {@code ...ByConfig} gives every consumer the queues it was configured with, and nobody checks:
 * here every consumer takes queues 0 and 1 (each of their messages handled by each consumer) and
 * nobody the other six. A group's retry topic ({@code %RETRY%<group>}) is balanced the same way.
 * The 5.x consumers balance per message instead (lesson {@code MessageLevelBalancing}). This lesson reads each
 * consumer's queues as {@code mqadmin consumerStatus} does, from the running consumers. Run it:
 * {@code ./lesson LoadBalancing}.
 */
public class LoadBalancing {

    public static void main(String[] args) throws Exception {
        RocketMQ rocketmq = RocketMQ.forLesson(args);
        for (AllocateMessageQueueStrategy strategy : List.of(new AllocateMessageQueueAveragely(),
            new AllocateMessageQueueAveragelyByCircle(), new AllocateMessageQueueConsistentHash(),
            byConfig(rocketmq, "LessonLoadBalancing", 0, 1))) {
            run(rocketmq, "LessonLoadBalancing", "lesson-load-balancing-" + strategy.getName(), strategy, 8);
        }
    }

    /** {@code AllocateMessageQueueByConfig}: a consumer given it takes exactly these queues of the topic (on its first broker). */
    public static AllocateMessageQueueStrategy byConfig(RocketMQ rocketmq, String topic, int... queueIds) throws Exception {
        try (RocketMQAdmin admin = RocketMQAdmin.connect(rocketmq)) {
            String broker = new TreeSet<>(admin.api().examineBrokerClusterInfo().getBrokerAddrTable().keySet()).first();
            List<MessageQueue> queues = new ArrayList<>();
            for (int id : queueIds) {
                queues.add(new MessageQueue(topic, broker, id));
            }
            AllocateMessageQueueByConfig strategy = new AllocateMessageQueueByConfig();
            strategy.setMessageQueueList(queues);
            return strategy;
        }
    }

    /** Each consumer's queue ids after each step (2 consumers, 3, then consumer-2 gone), and how long each rebalance took. */
    public record Result(String strategy, List<Map<String, Set<Integer>>> steps, List<Long> rebalanceMillis) {
    }

    public static Result run(RocketMQ rocketmq, String topic, String group, AllocateMessageQueueStrategy strategy, int queues)
        throws Exception {
        System.out.printf("%s, %d queues:%n", strategy.getName(), queues);
        try (RocketMQAdmin admin = RocketMQAdmin.connect(rocketmq)) {
            admin.createTopic(topic, TopicMessageType.NORMAL, queues);
            Map<String, DefaultMQPushConsumer> consumers = new LinkedHashMap<>();
            List<Map<String, Set<Integer>>> steps = new ArrayList<>();
            List<Long> millis = new ArrayList<>();
            try {
                consumers.put("consumer-1", start(rocketmq, topic, group, "consumer-1", strategy));
                for (String step : List.of("consumer-2 joins", "consumer-3 joins", "consumer-2 leaves")) {
                    long t0 = System.nanoTime();
                    if (step.endsWith("joins")) {
                        String name = step.substring(0, step.indexOf(' '));
                        consumers.put(name, start(rocketmq, topic, group, name, strategy));
                    } else {
                        consumers.remove("consumer-2").shutdown(); // it unregisters; the others rebalance
                    }
                    Map<String, Set<Integer>> shares = awaitBalanced(admin, topic, group, consumers, strategy);
                    millis.add((System.nanoTime() - t0) / 1_000_000);
                    steps.add(shares);
                    System.out.printf("  %-17s -> %s (rebalanced in %d ms)%n", step, shares, millis.get(millis.size() - 1));
                }
            } finally {
                consumers.values().forEach(DefaultMQPushConsumer::shutdown);
            }
            return new Result(strategy.getName(), steps, millis);
        }
    }

    private static DefaultMQPushConsumer start(RocketMQ rocketmq, String topic, String group, String name,
                                               AllocateMessageQueueStrategy strategy) throws Exception {
        DefaultMQPushConsumer consumer = new DefaultMQPushConsumer(group);
        Clients.configure(consumer, rocketmq);
        // Its client id, <ip>@<group>-consumer-1: the group's ids sort by the name (and no other
        // client of this JVM shares it: clients with the same id share one connection and state).
        consumer.setInstanceName(group + "-" + name);
        consumer.setAllocateMessageQueueStrategy(strategy);
        consumer.subscribe(topic, "*");
        consumer.registerMessageListener((MessageListenerConcurrently) (msgs, ctx) -> ConsumeConcurrentlyStatus.CONSUME_SUCCESS);
        consumer.start();
        return consumer;
    }

    /**
     * Each consumer's queues as it reports them, once every one holds what the strategy gives it
     * for the group's consumers as the broker lists them: the rebalance is over (at most 30 s).
     */
    private static Map<String, Set<Integer>> awaitBalanced(RocketMQAdmin admin, String topic, String group,
                                                           Map<String, DefaultMQPushConsumer> consumers,
                                                           AllocateMessageQueueStrategy strategy) throws Exception {
        Map<String, Set<Integer>> shares = new LinkedHashMap<>();
        Wait.until(Duration.ofSeconds(30), "the group to rebalance", () -> {
            List<String> ids = new ArrayList<>();
            admin.api().examineConsumerConnectionInfo(group).getConnectionSet().forEach(c -> ids.add(c.getClientId()));
            java.util.Collections.sort(ids); // as each consumer sorts them
            List<MessageQueue> all = new ArrayList<>(); // the topic's readable queues, from its route
            admin.api().examineTopicRouteInfo(topic).getQueueDatas().forEach(qd -> {
                for (int i = 0; i < qd.getReadQueueNums(); i++) {
                    all.add(new MessageQueue(topic, qd.getBrokerName(), i));
                }
            });
            java.util.Collections.sort(all);
            boolean done = ids.size() == consumers.size();
            shares.clear();
            for (Map.Entry<String, DefaultMQPushConsumer> c : consumers.entrySet()) {
                String id = c.getValue().buildMQClientId();
                Set<Integer> held = new TreeSet<>();
                try {
                    // Its queues of the topic (it also holds queues of its group's retry topic).
                    admin.api().getConsumerRunningInfo(group, id, false).getMqTable().keySet().stream()
                        .filter(q -> q.getTopic().equals(topic)).forEach(q -> held.add(q.getQueueId()));
                } catch (Exception notYetKnown) {
                    return false; // the broker does not know this consumer yet
                }
                Set<Integer> given = new TreeSet<>();
                if (ids.contains(id)) {
                    strategy.allocate(group, id, all, ids).forEach(q -> given.add(q.getQueueId()));
                }
                shares.put(c.getKey(), held);
                done &= held.equals(given);
            }
            return done;
        });
        return shares;
    }
}
