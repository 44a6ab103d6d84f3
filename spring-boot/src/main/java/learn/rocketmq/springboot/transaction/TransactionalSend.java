package learn.rocketmq.springboot.transaction;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import learn.rocketmq.springboot.RocketMQBoot;
import learn.rocketmq.springboot.StackClients;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQAdmin;
import learn.rocketmq.stack.Wait;
import org.apache.rocketmq.client.producer.TransactionSendResult;
import org.apache.rocketmq.common.attribute.TopicMessageType;
import org.apache.rocketmq.spring.core.RocketMQTemplate;
import org.apache.rocketmq.spring.support.RocketMQHeaders;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.messaging.support.MessageBuilder;
import org.springframework.stereotype.Service;

/**
 * A transactional send from Spring: {@code sendMessageInTransaction} stores a half message the
 * consumers cannot see, then runs {@link OrderTransaction#executeLocalTransaction} (a JDBC
 * transaction on an embedded H2 database): COMMIT makes the message visible, ROLLBACK deletes it,
 * UNKNOWN leaves it to the broker, which asks {@link OrderTransaction#checkLocalTransaction}
 * later: the answer is whatever the database says. Three orders, one per outcome:
 * <ul>
 *   <li>{@code ok}: the row commits, the message is delivered;</li>
 *   <li>{@code invalid}: the insert is rolled back (amount not positive), so is the message;</li>
 *   <li>{@code unanswered}: the row commits but the answer is lost (as if the service died right
 *   after its commit): the broker's check-back finds the row and commits the message. The first
 *   check comes {@code transactionTimeOut} (6 s) after the send, in rounds every
 *   {@code transactionCheckInterval} (30 s by default): up to about 40 s here.</li>
 * </ul>
 * Roadmap: Beyond the roadmap: Spring Boot: transactional send (@RocketMQTransactionListener, JDBC).
 *
 * <p>Run it: {@code ./lesson TransactionalSend} (up to a minute: the check-back).
 */
@SpringBootApplication
@Import(StackClients.class) // this project's client settings, and where a new group starts: see StackClients
@Service
public class TransactionalSend {

    public static final String TOPIC = "LessonSpringPayments";

    /** An order; its id is the message key, which the check-back looks up. */
    public record Order(String run, String id, int amount) {
    }

    /** Per order: what sendMessageInTransaction returned, whether its row exists, whether it was delivered. */
    public record Outcome(String localState, boolean inDatabase, boolean delivered) {
    }

    private final RocketMQTemplate template;
    private final JdbcTemplate jdbc;
    private final PaymentListener payments;

    public TransactionalSend(RocketMQTemplate template, JdbcTemplate jdbc, PaymentListener payments) {
        this.template = template;
        this.jdbc = jdbc;
        this.payments = payments;
        jdbc.execute("CREATE TABLE IF NOT EXISTS orders (id VARCHAR(100) PRIMARY KEY, amount INT NOT NULL)");
    }

    public static void main(String[] args) throws Exception {
        RocketMQ rocketmq = RocketMQ.forLesson(args);
        createTopic(rocketmq);
        try (var app = RocketMQBoot.run(TransactionalSend.class, rocketmq)) {
            app.getBean(TransactionalSend.class).placeOrders(String.valueOf(System.currentTimeMillis()), Duration.ofSeconds(90));
        }
    }

    /** A TRANSACTION topic: the 5.x broker keeps transactional messages to topics of that type. */
    public static void createTopic(RocketMQ rocketmq) {
        try (RocketMQAdmin admin = RocketMQAdmin.connect(rocketmq)) {
            admin.createTopic(TOPIC, TopicMessageType.TRANSACTION, 4);
        }
    }

    /** Places the three orders of run {@code run}; waits up to {@code checkBound} for the check-back to decide. */
    public Map<String, Outcome> placeOrders(String run, Duration checkBound) throws Exception {
        Map<String, String> states = new LinkedHashMap<>();
        for (Order order : new Order[] {new Order(run, run + "-ok", 50), new Order(run, run + "-invalid", -5),
                                        new Order(run, run + "-unanswered", 70)}) {
            // The order is also the argument executeLocalTransaction gets; the key is for the check-back.
            TransactionSendResult sent = template.sendMessageInTransaction(TOPIC,
                MessageBuilder.withPayload(order).setHeader(RocketMQHeaders.KEYS, order.id()).build(), order);
            states.put(order.id(), sent.getLocalTransactionState().name());
            System.out.printf("%-28s local transaction: %s%n", order.id(), sent.getLocalTransactionState());
        }

        System.out.println("Waiting for the consumer (the unanswered one needs the broker's check-back)...");
        Wait.until(checkBound, "the unanswered order is checked back and delivered", () -> payments.delivered().contains(run + "-unanswered"));
        Map<String, Outcome> outcomes = new LinkedHashMap<>();
        states.forEach((id, state) -> outcomes.put(id, new Outcome(state,
            jdbc.queryForObject("SELECT COUNT(*) FROM orders WHERE id = ?", Integer.class, id) == 1, payments.delivered().contains(id))));
        outcomes.forEach((id, o) -> System.out.printf("%-28s %-16s row in database: %-5s delivered: %s%n", id, o.localState(), o.inDatabase(), o.delivered()));
        return outcomes;
    }
}
