package learn.rocketmq.patterns.errors;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import learn.rocketmq.clients.Clients;
import learn.rocketmq.clients.TopicContents;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQAdmin;
import learn.rocketmq.stack.Wait;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.common.MixAll;
import org.apache.rocketmq.common.attribute.TopicMessageType;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageConst;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.common.message.MessageQueue;

/**
 * Replaying messages: a window of time replayed into a new group, a running group's offset reset
 * by time, and a dead-letter queue re-driven to its topic once the bug is fixed.
 * Roadmap: 7.2 Error Handling: Message replay strategies.
 *
 * <p>RocketMQ keeps consumed messages (until the commit log expires them, 72 h by default), so a
 * consumer that got them wrong can read them again. The broker finds the first offset stored at or
 * after a time in each queue ({@code searchOffset}); committing those offsets for a group (as
 * {@code mqadmin resetOffsetByTime} does) replays from there. A <b>new</b> group replays without
 * touching the live one, and it can stop at the window's end: each queue's offset at the end time.
 * Resetting a <b>running</b> group moves it back for good. A dead letter is replayed by sending it
 * again to the topic it came from ({@code RETRY_TOPIC}), after the fix, with its key, so an
 * idempotent consumer recognises it. Run it: {@code ./lesson MessageReplay}.
 */
public class MessageReplay {

    public static void main(String[] args) throws Exception {
        RocketMQ rocketmq = RocketMQ.forLesson(args);
        Result r = run(rocketmq, "LessonReplay", "lesson-replay");
        System.out.printf("Done: window replay %s; reset group read again %d; dead letters %s re-driven, processed %s.%n",
            r.windowReplay(), r.afterReset().size(), r.deadLetters(), r.redriven());
    }

    /** Keys replayed in the window, keys the reset group read again, keys in the DLQ, keys processed after the re-drive (with counts). */
    public record Result(Set<String> windowReplay, List<String> afterReset, Set<String> deadLetters, Map<String, Integer> redriven) {
    }

    public static Result run(RocketMQ rocketmq, String prefix, String group) throws Exception {
        String topic = prefix + "Invoices";
        String payments = prefix + "Payments";
        try (RocketMQAdmin admin = RocketMQAdmin.connect(rocketmq)) {
            admin.createTopic(topic, TopicMessageType.NORMAL);
            admin.createTopic(payments, TopicMessageType.NORMAL);
            DefaultMQProducer producer = Clients.configure(new DefaultMQProducer(group + "-producer"), rocketmq);
            producer.start();
            try {
                // 1. Three batches of invoices; t1 and t2 are the times between them.
                send(producer, topic, "a", 10);
                long t1 = boundary();
                send(producer, topic, "b", 10);
                long t2 = boundary();
                send(producer, topic, "c", 10);
                List<String> billing = Collections.synchronizedList(new ArrayList<>());
                DefaultMQPushConsumer live = consumer(rocketmq, group + "-billing", topic, (m) -> billing.add(m.getKeys()));
                try {
                    Wait.until(Duration.ofSeconds(30), "billing to read 30 invoices", () -> billing.size() >= 30);
                    System.out.printf("1. Billing read %d invoices (batches a, b, c)%n", billing.size());

                    // 2. Batch b was billed wrong. Replay exactly [t1, t2) into a new group, from the offsets the broker finds for t1.
                    admin.createConsumerGroup(group + "-rebilling"); // offsets can be set only for a group the broker knows
                    Map<MessageQueue, Long> from = new HashMap<>();
                    Map<MessageQueue, Long> to = new HashMap<>();
                    for (MessageQueue q : admin.api().examineTopicStats(topic).getOffsetTable().keySet()) {
                        from.put(q, admin.api().searchOffset(q, t1));
                        to.put(q, admin.api().searchOffset(q, t2));
                        admin.api().updateConsumeOffset(master(admin, topic, q), group + "-rebilling", q, from.get(q));
                    }
                    Set<String> window = Collections.synchronizedSet(new TreeSet<>());
                    DefaultMQPushConsumer rebilling = consumer(rocketmq, group + "-rebilling", topic, m -> {
                        if (m.getQueueOffset() < to.get(new MessageQueue(m.getTopic(), m.getBrokerName(), m.getQueueId()))) {
                            window.add(m.getKeys()); // inside the window; what comes after t2 is left alone
                        }
                    });
                    try {
                        Wait.until(Duration.ofSeconds(30), "the window's 10 invoices", () -> window.size() >= 10);
                    } finally {
                        rebilling.shutdown();
                    }
                    System.out.printf("2. A new group replayed [t1, t2): %s%n", window);

                    // 3. The running billing group itself reset to t1: it reads b and c again.
                    //    The broker tells the running consumer; it takes effect once the consumer's pending long-poll
                    //    on each queue returns (up to 15 s when nothing new arrives).
                    billing.clear();
                    long reset = System.nanoTime();
                    admin.api().resetOffsetByTimestamp(topic, group + "-billing", t1, true);
                    Wait.until(Duration.ofSeconds(60), "billing to read b and c again", () -> billing.size() >= 20);
                    System.out.printf("3. Billing reset to t1 read %d invoices again, %.1f s after the reset%n", billing.size(),
                        (System.nanoTime() - reset) / 1e9);

                    // 4. Payments: a bug sends the "bad" ones to the DLQ after one retry. Fixed, the DLQ is re-driven.
                    Map<String, Integer> processed = new ConcurrentHashMap<>();
                    boolean[] fixed = {false};
                    DefaultMQPushConsumer paying = Clients.configure(new DefaultMQPushConsumer(group + "-payments"), rocketmq);
                    paying.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
                    paying.setMaxReconsumeTimes(1);
                    paying.subscribe(payments, "*");
                    paying.registerMessageListener((MessageListenerConcurrently) (messages, context) -> {
                        for (MessageExt m : messages) {
                            if (!fixed[0] && new String(m.getBody(), StandardCharsets.UTF_8).contains("bad")) {
                                context.setDelayLevelWhenNextConsume(1); // retry once, 1 s later, then the DLQ
                                return ConsumeConcurrentlyStatus.RECONSUME_LATER;
                            }
                            processed.merge(m.getKeys(), 1, Integer::sum);
                        }
                        return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
                    });
                    paying.setConsumeMessageBatchMaxSize(1);
                    paying.start();
                    try {
                        for (int i = 1; i <= 10; i++) {
                            Message p = new Message(payments, ((i % 4 == 0 ? "bad " : "ok ") + i).getBytes(StandardCharsets.UTF_8));
                            p.setKeys("payment-" + i);
                            producer.send(p);
                        }
                        String dlq = MixAll.getDLQTopic(group + "-payments");
                        Wait.until(Duration.ofSeconds(30), "2 dead letters", () -> admin.storedMessages(dlq) >= 2);
                        Set<String> dead = new TreeSet<>();
                        fixed[0] = true;
                        for (MessageExt letter : TopicContents.readAll(rocketmq, dlq)) {
                            dead.add(letter.getKeys());
                            Message again = new Message(letter.getProperty(MessageConst.PROPERTY_RETRY_TOPIC), letter.getBody());
                            again.setKeys(letter.getKeys());
                            producer.send(again);
                        }
                        System.out.printf("4. Dead letters %s re-driven to %s after the fix%n", dead, payments);
                        Wait.until(Duration.ofSeconds(30), "all 10 payments processed", () -> processed.size() >= 10);
                        return new Result(window, List.copyOf(billing), dead, new java.util.TreeMap<>(processed));
                    } finally {
                        paying.shutdown();
                    }
                } finally {
                    live.shutdown();
                }
            } finally {
                producer.shutdown();
            }
        }
    }

    private static void send(DefaultMQProducer producer, String topic, String batch, int n) throws Exception {
        for (int i = 1; i <= n; i++) {
            Message m = new Message(topic, ("invoice " + batch + "-" + i).getBytes(StandardCharsets.UTF_8));
            m.setKeys(batch + "-" + i);
            producer.send(m);
        }
    }

    /** A time after every message stored so far and before any stored next (store times are in milliseconds). */
    private static long boundary() {
        long t = System.currentTimeMillis() + 1;
        while (System.currentTimeMillis() <= t) {
            Thread.onSpinWait();
        }
        return t;
    }

    private static DefaultMQPushConsumer consumer(RocketMQ rocketmq, String group, String topic, java.util.function.Consumer<MessageExt> work)
        throws Exception {
        DefaultMQPushConsumer consumer = Clients.configure(new DefaultMQPushConsumer(group), rocketmq);
        consumer.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
        consumer.subscribe(topic, "*");
        consumer.registerMessageListener((MessageListenerConcurrently) (messages, context) -> {
            messages.forEach(work);
            return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
        });
        consumer.start();
        return consumer;
    }

    private static String master(RocketMQAdmin admin, String topic, MessageQueue q) throws Exception {
        return admin.api().examineTopicRouteInfo(topic).getBrokerDatas().stream().filter(b -> b.getBrokerName().equals(q.getBrokerName()))
            .findFirst().orElseThrow().getBrokerAddrs().get(MixAll.MASTER_ID);
    }
}
