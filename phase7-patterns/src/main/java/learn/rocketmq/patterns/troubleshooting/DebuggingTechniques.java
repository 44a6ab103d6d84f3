package learn.rocketmq.patterns.troubleshooting;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import learn.rocketmq.clients.Clients;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQAdmin;
import learn.rocketmq.stack.Wait;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.trace.TraceContext;
import org.apache.rocketmq.client.trace.TraceDataEncoder;
import org.apache.rocketmq.client.trace.TraceType;
import org.apache.rocketmq.common.attribute.TopicMessageType;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.tools.admin.api.MessageTrack;
import org.apache.rocketmq.tools.admin.api.TrackType;

/**
 * Debugging "my message never arrived" with the tools every RocketMQ installation has, in the order
 * a support engineer uses them.
 * Roadmap: 7.4 Troubleshooting: Debugging techniques.
 *
 * <p>The report: billing never booked order-7. (1) Is it stored? Query the broker's index by key
 * ({@code mqadmin queryMsgByKey -t topic -k order-7}): its broker, queue, offset and tag. If nothing
 * is found, look at the producer (its send result, the topic it sent to). (2) What did each group do
 * with it? The message track ({@code mqadmin queryMsgById}, {@code messageTrackDetail}): for each
 * group of the topic, {@code CONSUMED} (its offset is past the message: look at your listener's
 * log), {@code CONSUMED_BUT_FILTERED} (past it, but its subscription does not take the tag), {@code
 * NOT_CONSUME_YET} (behind it: look at its lag), {@code NOT_ONLINE} (no instance running). (3) Why
 * filtered? The group's subscription as its running clients sent it ({@code mqadmin
 * consumerConnection -g billing}). Here: billing takes {@code Paid}, and the new checkout sent
 * order-7 as {@code Payed}. (4) The message trace ({@code mqadmin queryMsgTraceById}), where the
 * clients record it ({@code enableMsgTrace}): order-7 was sent, and nobody consumed it; order-8
 * was sent, and consumed by billing, with how long each took. Other tools for other answers: {@code consumerProgress} (lag per queue,
 * {@code StuckOrderlyConsumer}), {@code consumerStatus -s} (a client's thread stacks, {@code
 * BottleneckIdentification}), the logs ({@code LogAnalysis}). Run it: {@code ./lesson
 * DebuggingTechniques}.
 */
public class DebuggingTechniques {

    public static void main(String[] args) throws Exception {
        RocketMQ rocketmq = RocketMQ.forLesson(args);
        Result r = run(rocketmq, "LessonPayments", "lesson-billing", "lesson-audit");
        System.out.printf("Done: order-7 %s, tracks %s; order-8 tracks %s; billing subscribes '%s'; booked %s.%n",
            r.order7(), r.order7Tracks(), r.order8Tracks(), r.billingSubscription(), r.booked());
    }

    /** Where a message is stored: its tag, queue and offset in the queue. */
    public record Stored(String tag, int queueId, long queueOffset) {
    }

    /** ... and the kinds of trace records of each message (Pub, SubBefore, SubAfter), sorted. */
    public record Result(Stored order7, Map<String, TrackType> order7Tracks, Map<String, TrackType> order8Tracks,
                         String billingSubscription, Set<String> booked, List<String> order7Trace, List<String> order8Trace) {
    }

    public static Result run(RocketMQ rocketmq, String topic, String billingGroup, String auditGroup) throws Exception {
        long start = System.currentTimeMillis();
        try (RocketMQAdmin admin = RocketMQAdmin.connect(rocketmq)) {
            admin.createTopic(topic, TopicMessageType.NORMAL);
            // Message trace: the clients record each send and each consumption into a trace topic (a
            // broker with traceTopicEnable=true creates RMQ_SYS_TRACE_TOPIC; here one of our own).
            String traceTopic = topic + "-trace";
            admin.createTopic(traceTopic, TopicMessageType.NORMAL, 1);
            Set<String> booked = ConcurrentHashMap.newKeySet();
            Set<String> audited = ConcurrentHashMap.newKeySet();
            DefaultMQPushConsumer billing = consumer(rocketmq, billingGroup, topic, "Paid", booked, traceTopic);
            DefaultMQPushConsumer audit = consumer(rocketmq, auditGroup, topic, "*", audited, null);
            DefaultMQProducer checkout = Clients.configure(new DefaultMQProducer(billingGroup + "-checkout", true, traceTopic), rocketmq);
            checkout.start();
            try {
                // The story: both groups read order-1; audit is switched off; the new checkout sends order-7 as "Payed".
                checkout.send(payment(topic, "Paid", "order-1"));
                Wait.until(Duration.ofSeconds(30), "both groups to read order-1 and commit it",
                    () -> booked.contains("order-1") && audited.contains("order-1") && lag(admin, auditGroup) == 0);
                audit.shutdown();
                checkout.send(payment(topic, "Payed", "order-7"));
                checkout.send(payment(topic, "Paid", "order-8"));
                Wait.until(Duration.ofSeconds(30), "billing to book order-8", () -> booked.contains("order-8"));
                System.out.printf("The report: billing booked %s, and never order-7.%n", new TreeSet<>(booked));

                // 1. Is it stored? The broker's index by key.
                List<MessageExt> found = admin.queryByKey(topic, "order-7", 1, start);
                if (found.isEmpty()) {
                    throw new IllegalStateException("order-7 is not in " + topic + ": look at the producer's send");
                }
                MessageExt order7 = found.get(0);
                MessageExt order8 = admin.queryByKey(topic, "order-8", 1, start).get(0);
                Stored stored = new Stored(order7.getTags(), order7.getQueueId(), order7.getQueueOffset());
                System.out.printf("1. queryMsgByKey order-7: stored on %s queue %d at offset %d, tag %s%n",
                    order7.getStoreHost(), stored.queueId(), stored.queueOffset(), stored.tag());
                // 2. What each group did with it: decided by the group's committed offset on its queue
                //    (the client commits every 5 s by default, every second here) and its subscription.
                Wait.until(Duration.ofSeconds(15), "billing's committed offsets to pass order-7 and order-8",
                    () -> passed(admin, billingGroup, order7) && passed(admin, billingGroup, order8));
                Map<String, TrackType> tracks7 = tracks(admin, order7);
                Map<String, TrackType> tracks8 = tracks(admin, order8);
                System.out.printf("2. Message track of order-7: %s (order-8: %s)%n", tracks7, tracks8);
                // 3. Why filtered: the subscription billing's running clients sent the broker.
                String subscription = admin.api().examineConsumerConnectionInfo(billingGroup).getSubscriptionTable().get(topic).getSubString();
                System.out.printf("3. consumerConnection %s: subscribes %s '%s', the message's tag is '%s'%n",
                    billingGroup, topic, subscription, stored.tag());
                // 4. The message trace (mqadmin queryMsgTraceById): who sent it, who consumed it, how long each took.
                Wait.until(Duration.ofSeconds(20), "billing's trace of order-8", () -> trace(admin, traceTopic, "order-8", start)
                    .stream().anyMatch(t -> t.startsWith("SubAfter")));
                List<String> trace7 = trace(admin, traceTopic, "order-7", start);
                List<String> trace8 = trace(admin, traceTopic, "order-8", start);
                System.out.printf("4. Trace of order-7: %s; of order-8: %s%n", trace7, trace8);
                return new Result(stored, tracks7, tracks8, subscription, Set.copyOf(booked), types(trace7), types(trace8));
            } finally {
                checkout.shutdown();
                billing.shutdown();
            }
        }
    }

    /**
     * The trace records of the message with {@code key}: "Pub by group" (the send), "SubBefore" and
     * "SubAfter by group, ok, N ms" (a consumption). A trace message is found by the traced message's
     * keys, and may carry the records of several messages.
     */
    private static List<String> trace(RocketMQAdmin admin, String traceTopic, String key, long since) throws Exception {
        List<String> records = new ArrayList<>();
        for (MessageExt m : admin.queryByKey(traceTopic, key, 1, since)) {
            for (TraceContext t : TraceDataEncoder.decoderFromTraceDataString(new String(m.getBody(), StandardCharsets.UTF_8))) {
                if (t.getTraceBeans().stream().anyMatch(b -> key.equals(b.getKeys()))) {
                    records.add(t.getTraceType() + " by " + t.getGroupName()
                        + (t.getTraceType() == TraceType.SubBefore ? "" : (t.isSuccess() ? ", ok, " : ", failed, ") + t.getCostTime() + " ms"));
                }
            }
        }
        return records;
    }

    private static List<String> types(List<String> trace) {
        return trace.stream().map(t -> t.substring(0, t.indexOf(' '))).sorted().toList();
    }

    private static Map<String, TrackType> tracks(RocketMQAdmin admin, MessageExt message) throws Exception {
        Map<String, TrackType> tracks = new TreeMap<>();
        for (MessageTrack track : admin.api().messageTrackDetail(message)) {
            tracks.put(track.getConsumerGroup(), track.getTrackType());
        }
        return tracks;
    }

    /** Whether the group's committed offset on the message's queue is past the message. */
    private static boolean passed(RocketMQAdmin admin, String group, MessageExt message) throws Exception {
        return admin.api().examineConsumeStats(group).getOffsetTable().entrySet().stream().anyMatch(e ->
            e.getKey().getTopic().equals(message.getTopic()) && e.getKey().getQueueId() == message.getQueueId()
                && e.getValue().getConsumerOffset() > message.getQueueOffset());
    }

    private static long lag(RocketMQAdmin admin, String group) throws Exception {
        return admin.api().examineConsumeStats(group).computeTotalDiff();
    }

    private static Message payment(String topic, String tag, String order) {
        return new Message(topic, tag, order, (order + " paid").getBytes(StandardCharsets.UTF_8));
    }

    private static DefaultMQPushConsumer consumer(RocketMQ rocketmq, String group, String topic, String tags, Set<String> seen,
                                                  String traceTopic) throws Exception {
        DefaultMQPushConsumer consumer = Clients.configure(new DefaultMQPushConsumer(group, traceTopic != null, traceTopic), rocketmq);
        consumer.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
        consumer.subscribe(topic, tags);
        consumer.registerMessageListener((MessageListenerConcurrently) (messages, context) -> {
            messages.forEach(m -> seen.add(m.getKeys()));
            return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
        });
        consumer.start();
        return consumer;
    }
}
