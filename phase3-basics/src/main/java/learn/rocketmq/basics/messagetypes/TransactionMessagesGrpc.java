package learn.rocketmq.basics.messagetypes;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import learn.rocketmq.basics.messagetypes.OrderOutcomes.LocalOutcome;
import learn.rocketmq.clients.Clients;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQAdmin;
import org.apache.rocketmq.client.apis.ClientConfiguration;
import org.apache.rocketmq.client.apis.ClientServiceProvider;
import org.apache.rocketmq.client.apis.consumer.ConsumeResult;
import org.apache.rocketmq.client.apis.consumer.FilterExpression;
import org.apache.rocketmq.client.apis.consumer.FilterExpressionType;
import org.apache.rocketmq.client.apis.consumer.PushConsumer;
import org.apache.rocketmq.client.apis.message.MessageView;
import org.apache.rocketmq.client.apis.producer.Producer;
import org.apache.rocketmq.client.apis.producer.Transaction;
import org.apache.rocketmq.client.apis.producer.TransactionChecker;
import org.apache.rocketmq.client.apis.producer.TransactionResolution;
import org.apache.rocketmq.common.attribute.TopicMessageType;

/**
 * Transaction messages with the 5.x client: the same two phases as {@link TransactionMessages},
 * written the other way round. The application holds a {@link Transaction}:
 * {@code beginTransaction()}, {@code send(message, transaction)} (the half message, invisible to
 * consumers), then the local transaction, then {@code transaction.commit()} or {@code rollback()}.
 * The check-back is a {@link TransactionChecker} given to the producer builder; the broker (through
 * the proxy) calls it for a half message that got no answer, first after {@code transactionTimeOut}
 * (6 s) then every {@code transactionCheckInterval} (30 s). It must answer from the real local state.
 * The topic must be of type TRANSACTION.
 * Roadmap: 3.3 Message Types: Transaction messages.
 *
 * <p>Run it: {@code ./lesson TransactionMessagesGrpc} (about 40 s: it waits for the first check-back).
 */
public class TransactionMessagesGrpc {

    public static void main(String[] args) throws Exception {
        RocketMQ rocketmq = RocketMQ.forLesson(args);
        Result result = run(rocketmq, "LessonTransactionMessagesGrpc", "lesson-transaction-messages-grpc");
        System.out.printf("Done: delivered %s; check-backs per order %s; local database %s.%n",
            result.received(), result.checks(), result.database());
    }

    /** Sends the orders of {@link TransactionMessages#ORDERS}, one per outcome, and returns what was delivered. */
    /**
     * @param received the order ids the consumer received
     * @param checks   how many times the broker checked back each order
     * @param database the local "database" at the end (order id to state)
     */
    public record Result(Set<String> received, Map<String, Integer> checks, Map<String, String> database) {
    }

    public static Result run(RocketMQ rocketmq, String topic, String group) throws Exception {
        rocketmq.requireProxy();
        try (RocketMQAdmin admin = RocketMQAdmin.connect(rocketmq)) {
            admin.createTopic(topic, TopicMessageType.TRANSACTION, 4);
            admin.createConsumerGroup(group);
        }
        System.out.printf("Topic %s (TRANSACTION) and group %s are ready.%n", topic, group);

        ClientServiceProvider provider = ClientServiceProvider.loadService();
        ClientConfiguration configuration = Clients.configuration(rocketmq);

        // 1. An ordinary consumer: it only ever sees committed messages.
        Set<String> received = ConcurrentHashMap.newKeySet();
        CountDownLatch committedArrived = new CountDownLatch(2);
        PushConsumer consumer = provider.newPushConsumerBuilder()
            .setClientConfiguration(configuration)
            .setConsumerGroup(group)
            .setSubscriptionExpressions(Map.of(topic, new FilterExpression("*", FilterExpressionType.TAG)))
            .setMessageListener((MessageView view) -> {
                String key = view.getKeys().iterator().next();
                if (received.add(key)) {
                    System.out.printf("  consumer received %s%n", key);
                    committedArrived.countDown();
                }
                return ConsumeResult.SUCCESS;
            })
            .build();

        // 2. The local state, and the check-back that reads it.
        Map<String, String> database = new ConcurrentHashMap<>();
        Map<String, Integer> checks = new ConcurrentHashMap<>();
        TransactionChecker checker = (MessageView view) -> {
            String orderId = view.getKeys().iterator().next();
            checks.merge(orderId, 1, Integer::sum);
            TransactionResolution answer = database.containsKey(orderId) ? TransactionResolution.COMMIT : TransactionResolution.ROLLBACK;
            System.out.printf("  check-back for %s: the database %s it, answer %s%n", orderId,
                database.containsKey(orderId) ? "has" : "does not have", answer);
            return answer;
        };

        try (Producer producer = provider.newProducerBuilder()
            .setClientConfiguration(configuration)
            .setTopics(topic)
            .setTransactionChecker(checker)
            .build()) {
            for (Map.Entry<String, LocalOutcome> order : OrderOutcomes.ORDERS.entrySet()) {
                String orderId = order.getKey();
                // 3. Phase one: the half message, bound to a transaction.
                Transaction transaction = producer.beginTransaction();
                producer.send(provider.newMessageBuilder()
                    .setTopic(topic)
                    .setTag("OrderCreated")
                    .setKeys(orderId)
                    .setBody(("created " + orderId).getBytes(StandardCharsets.UTF_8))
                    .build(), transaction);
                System.out.printf("Sent half message %s%n", orderId);
                // 4. The local transaction, then phase two: commit, rollback, or (crash) nothing.
                switch (order.getValue()) {
                    case COMMIT -> {
                        database.put(orderId, "CREATED");
                        transaction.commit();
                        System.out.printf("  local transaction of %s committed: commit()%n", orderId);
                    }
                    case ROLLBACK -> {
                        transaction.rollback();
                        System.out.printf("  local transaction of %s failed, nothing saved: rollback()%n", orderId);
                    }
                    default -> {
                        database.put(orderId, "CREATED");
                        System.out.printf("  local transaction of %s committed, but neither commit() nor rollback() is called%n", orderId);
                    }
                }
            }
            System.out.println("Waiting for the broker's check-back (first after transactionTimeOut, 6 s by default)...");
            if (!committedArrived.await(90, TimeUnit.SECONDS)) {
                System.out.printf("Only %s arrived within 90 s.%n", received);
            }
        } finally {
            System.out.println("Closing the consumer (it waits for its pending long-poll, up to 20 s)...");
            consumer.close();
        }
        return new Result(Set.copyOf(received), Map.copyOf(checks), Map.copyOf(database));
    }
}
