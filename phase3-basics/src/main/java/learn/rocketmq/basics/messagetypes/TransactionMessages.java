package learn.rocketmq.basics.messagetypes;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import learn.rocketmq.clients.Clients;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQAdmin;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.producer.LocalTransactionState;
import org.apache.rocketmq.client.producer.TransactionListener;
import org.apache.rocketmq.client.producer.TransactionMQProducer;
import org.apache.rocketmq.client.producer.TransactionSendResult;
import org.apache.rocketmq.common.attribute.TopicMessageType;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;

/**
 * Transaction messages with the classic client: a message is delivered if and only if a local
 * transaction (here: writing an order to our "database") commits. In two phases:
 * <ol>
 *   <li>the producer sends a <em>half message</em>: stored by the broker, invisible to consumers;</li>
 *   <li>the producer runs the local transaction and tells the broker COMMIT (now it is delivered)
 *   or ROLLBACK (it is thrown away, never delivered).</li>
 * </ol>
 * If the answer never comes (the producer crashed, or said UNKNOW), the broker asks the producer
 * group later: the <em>check-back</em> ({@code checkLocalTransaction}), first after
 * {@code transactionTimeOut} (6 s) then every {@code transactionCheckInterval} (30 s), up to 15
 * times. The check must answer from the real local state: the broker may also check halves that
 * were already committed or rolled back, and a check that always says COMMIT would deliver
 * rolled-back messages.
 * Roadmap: 3.3 Message Types: Transaction messages.
 *
 * <p>Run it: {@code ./lesson TransactionMessages} (about 40 s: it waits for the first check-back).
 * With the 5.x client: {@link TransactionMessagesGrpc}.
 */
public class TransactionMessages {

    public static void main(String[] args) throws Exception {
        RocketMQ rocketmq = RocketMQ.forLesson(args);
        Result result = run(rocketmq, "LessonTransactionMessages", "lesson-transaction-messages");
        System.out.printf("Done: delivered %s; check-backs per order %s; local database %s.%n",
            result.received(), result.checks(), result.database());
    }

    /**
     * @param received the order ids the consumer received
     * @param checks   how many times the broker checked back each order
     * @param database the local "database" at the end (order id to state)
     */
    public record Result(Set<String> received, Map<String, Integer> checks, Map<String, String> database) {
    }

    public static Result run(RocketMQ rocketmq, String topic, String group) throws Exception {
        // 1. A TRANSACTION topic (required by the 5.x client, informational for the classic one).
        try (RocketMQAdmin admin = RocketMQAdmin.connect(rocketmq)) {
            admin.createTopic(topic, TopicMessageType.TRANSACTION, 4);
        }
        System.out.printf("Topic %s is ready (TRANSACTION).%n", topic);

        // 2. An ordinary consumer: it only ever sees committed messages.
        Set<String> received = ConcurrentHashMap.newKeySet();
        CountDownLatch committedArrived = new CountDownLatch(2);
        DefaultMQPushConsumer consumer = new DefaultMQPushConsumer(group);
        Clients.configure(consumer, rocketmq); // NameServer address and shared client settings (see Clients)
        consumer.subscribe(topic, "*");
        consumer.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
        consumer.registerMessageListener((MessageListenerConcurrently) (messages, context) -> {
            for (MessageExt m : messages) {
                if (received.add(m.getKeys())) {
                    System.out.printf("  consumer received %s%n", m.getKeys());
                    committedArrived.countDown();
                }
            }
            return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
        });
        consumer.start();

        // 3. The local state: a "database" of orders. Both the local transaction and the
        //    check-back read and write it; nothing else decides.
        Map<String, String> database = new ConcurrentHashMap<>();
        Map<String, Integer> checks = new ConcurrentHashMap<>();
        TransactionListener listener = new TransactionListener() {
            @Override
            public LocalTransactionState executeLocalTransaction(Message message, Object arg) {
                // Called right after the half message is stored, in the sending thread.
                String orderId = message.getKeys();
                switch ((OrderOutcomes.LocalOutcome) arg) {
                    case COMMIT -> {
                        database.put(orderId, "CREATED");
                        System.out.printf("  local transaction of %s committed: answer COMMIT%n", orderId);
                        return LocalTransactionState.COMMIT_MESSAGE;
                    }
                    case ROLLBACK -> {
                        System.out.printf("  local transaction of %s failed, nothing saved: answer ROLLBACK%n", orderId);
                        return LocalTransactionState.ROLLBACK_MESSAGE;
                    }
                    default -> {
                        database.put(orderId, "CREATED");
                        System.out.printf("  local transaction of %s committed, but no answer reaches the broker (UNKNOW)%n", orderId);
                        return LocalTransactionState.UNKNOW;
                    }
                }
            }

            @Override
            public LocalTransactionState checkLocalTransaction(MessageExt message) {
                // The broker asks about a half message it has no answer for: look it up.
                String orderId = message.getKeys();
                checks.merge(orderId, 1, Integer::sum);
                LocalTransactionState state = database.containsKey(orderId)
                    ? LocalTransactionState.COMMIT_MESSAGE : LocalTransactionState.ROLLBACK_MESSAGE;
                System.out.printf("  check-back for %s: the database %s it, answer %s%n", orderId,
                    database.containsKey(orderId) ? "has" : "does not have", state);
                return state;
            }
        };

        // 4. A TransactionMQProducer: its group matters, the broker sends check-backs to any
        //    live producer of that group (so every instance must be able to answer).
        TransactionMQProducer producer = new TransactionMQProducer(group + "-producer");
        producer.setNamesrvAddr(rocketmq.nameServer());
        producer.setTransactionListener(listener);
        producer.start();
        try {
            for (Map.Entry<String, OrderOutcomes.LocalOutcome> order : OrderOutcomes.ORDERS.entrySet()) {
                Message message = new Message(topic, "OrderCreated", order.getKey(),
                    ("created " + order.getKey()).getBytes(StandardCharsets.UTF_8));
                TransactionSendResult result = producer.sendMessageInTransaction(message, order.getValue());
                System.out.printf("Sent half message %s: %s, local transaction said %s%n", order.getKey(),
                    result.getSendStatus(), result.getLocalTransactionState());
            }
            // 5. The committed one arrives at once; the other only after a check-back.
            System.out.println("Waiting for the broker's check-back (first after transactionTimeOut, 6 s by default)...");
            if (!committedArrived.await(90, TimeUnit.SECONDS)) {
                System.out.printf("Only %s arrived within 90 s.%n", received);
            }
        } finally {
            producer.shutdown();
            consumer.shutdown();
        }
        return new Result(Set.copyOf(received), Map.copyOf(checks), Map.copyOf(database));
    }
}
