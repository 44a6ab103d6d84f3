package learn.rocketmq.patterns.errors;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import learn.rocketmq.clients.Clients;
import learn.rocketmq.clients.TopicContents;
import learn.rocketmq.stack.Hints;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQAdmin;
import learn.rocketmq.stack.Wait;
import org.apache.rocketmq.client.apis.ClientServiceProvider;
import org.apache.rocketmq.client.apis.consumer.FilterExpression;
import org.apache.rocketmq.client.apis.consumer.SimpleConsumer;
import org.apache.rocketmq.client.apis.producer.Producer;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.exception.MQBrokerException;
import org.apache.rocketmq.client.exception.MQClientException;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.common.MixAll;
import org.apache.rocketmq.common.attribute.TopicMessageType;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;

/**
 * Exceptions by kind: what each client throws when a send cannot succeed, and a consumer that
 * retries what may pass and sends what never will straight to the dead-letter queue.
 * Roadmap: 7.2 Error Handling: Exception handling strategies.
 *
 * <p>Sending, the kind decides the strategy. The classic client throws {@code MQClientException}
 * for what it refuses itself (no route: the topic does not exist; a body over 4 MiB) and
 * {@code MQBrokerException} for what the broker refused, each with a response code: retrying those
 * sends the same refusal again, fix the cause. Timeouts and "system busy" are worth retrying, and the
 * client already retries them ({@code retryTimesWhenSendFailed}). The 5.x client throws subclasses of
 * {@code ClientException} named after the kind; its consumer of a group nobody created fails to
 * start with an {@code IllegalStateException} that names neither (the cause is only in the
 * client's log). Consuming, a listener that fails a message gets it
 * again after a delay, up to {@code maxReconsumeTimes} (16): right for a busy downstream, wrong for a
 * message that can never be processed (a poison message): 16 useless attempts over hours, then the
 * DLQ anyway. Classify: a poison message goes to the DLQ at once ({@code
 * setDelayLevelWhenNextConsume(-1)}). Run it: {@code ./lesson ExceptionStrategies}.
 */
public class ExceptionStrategies {

    public static void main(String[] args) throws Exception {
        RocketMQ rocketmq = RocketMQ.forLesson(args);
        Result r = run(rocketmq, "LessonExceptions", "lesson-exceptions");
        System.out.printf("Done: send failures %s; attempts %s; in the DLQ %s.%n", r.sendFailures(), r.attempts(), r.deadLetters());
    }

    /** Each failed send: what was done → the exception's class and code; attempts per message key; the keys in the DLQ. */
    public record Result(Map<String, String> sendFailures, Map<String, Integer> attempts, Set<String> deadLetters,
                         String groupNeverCreatedHint) {
    }

    public static Result run(RocketMQ rocketmq, String topic, String group) throws Exception {
        Map<String, String> failures = new TreeMap<>();
        String consumerHint = "";
        try (RocketMQAdmin admin = RocketMQAdmin.connect(rocketmq)) {
            admin.createTopic(topic, TopicMessageType.NORMAL);
            DefaultMQProducer producer = Clients.configure(new DefaultMQProducer(group + "-producer"), rocketmq);
            producer.start();
            try {
                // 1. Sends that cannot succeed, one of each kind.
                failures.put("a topic that does not exist", kind(() -> producer.send(new Message(topic + "-missing", "x".getBytes()))));
                failures.put("a 5 MiB body", kind(() -> producer.send(new Message(topic, new byte[5 * 1024 * 1024]))));
                Message tooFar = new Message(topic, "in a year".getBytes());
                tooFar.setDeliverTimeMs(System.currentTimeMillis() + Duration.ofDays(365).toMillis()); // the broker's limit: 3 days
                failures.put("a delivery time beyond the timer's limit", kind(() -> producer.send(tooFar)));
                ClientServiceProvider provider = ClientServiceProvider.loadService();
                try (Producer grpc = provider.newProducerBuilder().setClientConfiguration(Clients.configuration(rocketmq)).build()) {
                    failures.put("5.x: a topic that does not exist", kind(() -> grpc.send(provider.newMessageBuilder()
                        .setTopic(topic + "-missing").setBody("x".getBytes()).build())));
                }
                // A 5.x consumer of a group nobody created: build() fails with a message that names neither the
                // group nor the cause (the proxy's "group not found" is only in the client's log); the stack's hint does.
                try (SimpleConsumer never = provider.newSimpleConsumerBuilder().setClientConfiguration(Clients.configuration(rocketmq))
                         .setConsumerGroup(group + "-never-created").setAwaitDuration(Duration.ofSeconds(1))
                         .setSubscriptionExpressions(Map.of(topic, FilterExpression.SUB_ALL)).build()) {
                    failures.put("5.x: a consumer of a group never created", "no exception");
                } catch (Exception e) {
                    failures.put("5.x: a consumer of a group never created", said(e.getClass().getSimpleName(), e));
                    consumerHint = Hints.explain(e);
                    System.out.printf("   the stack's hint: %s%n", consumerHint);
                }
                failures.forEach((what, thrown) -> System.out.printf("1. %-42s -> %s%n", what, thrown));

                // 2. A consumer that classifies: transient failures retried 1 s later, a poison message straight to the DLQ.
                Map<String, Integer> attempts = new ConcurrentHashMap<>();
                DefaultMQPushConsumer consumer = Clients.configure(new DefaultMQPushConsumer(group), rocketmq);
                consumer.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
                consumer.setConsumeMessageBatchMaxSize(1);
                consumer.subscribe(topic, "*");
                consumer.registerMessageListener((MessageListenerConcurrently) (messages, context) -> {
                    MessageExt m = messages.get(0);
                    int attempt = attempts.merge(m.getKeys(), 1, Integer::sum);
                    try {
                        Long.parseLong(new String(m.getBody(), StandardCharsets.UTF_8)); // a poison message fails here, always
                        if (m.getKeys().startsWith("busy") && attempt == 1) {
                            throw new IllegalStateException("downstream busy"); // may pass next time
                        }
                        return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
                    } catch (NumberFormatException poison) {
                        context.setDelayLevelWhenNextConsume(-1); // never retry: to the DLQ now
                        return ConsumeConcurrentlyStatus.RECONSUME_LATER;
                    } catch (IllegalStateException transientFailure) {
                        context.setDelayLevelWhenNextConsume(1); // retry in 1 s (level 1)
                        return ConsumeConcurrentlyStatus.RECONSUME_LATER;
                    }
                });
                consumer.start();
                try {
                    for (String key : new String[] {"ok-1", "busy-1", "poison-1", "ok-2", "busy-2", "poison-2"}) {
                        Message m = new Message(topic, (key.startsWith("poison") ? "{not a number" : "100").getBytes(StandardCharsets.UTF_8));
                        m.setKeys(key);
                        producer.send(m);
                    }
                    String dlq = MixAll.getDLQTopic(group);
                    Wait.until(Duration.ofSeconds(30), "busy messages to pass and poison ones to reach the DLQ",
                        () -> attempts.getOrDefault("busy-1", 0) >= 2 && attempts.getOrDefault("busy-2", 0) >= 2 && admin.storedMessages(dlq) >= 2);
                } finally {
                    consumer.shutdown();
                }
                Set<String> dead = new TreeSet<>();
                TopicContents.readAll(rocketmq, MixAll.getDLQTopic(group)).forEach(m -> dead.add(m.getKeys()));
                System.out.printf("2. Attempts per message %s; in the DLQ %s%n", new TreeMap<>(attempts), dead);
                return new Result(failures, new TreeMap<>(attempts), dead, consumerHint);
            } finally {
                producer.shutdown();
            }
        }
    }

    interface Send {
        Object send() throws Exception;
    }

    /** What a send threw: its class, and the response code where the classic client gives one. */
    static String kind(Send send) {
        try {
            send.send();
            return "no exception";
        } catch (MQBrokerException e) {
            return said("MQBrokerException, code " + e.getResponseCode(), e);
        } catch (MQClientException e) {
            return said("MQClientException, code " + e.getResponseCode(), e);
        } catch (Exception e) {
            return said(e.getClass().getSimpleName(), e);
        }
    }

    /** Prints the exception's first line, the text a learner searches for, and returns its kind. */
    private static String said(String kind, Exception e) {
        String text = String.valueOf(e.getMessage()).strip().lines().findFirst().orElse("");
        System.out.printf("   %s: \"%s\"%n", kind, text.length() > 140 ? text.substring(0, 140) + "..." : text);
        return kind;
    }
}
