package learn.rocketmq.patterns.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQAdmin;
import learn.rocketmq.stack.RocketMQExtension;
import learn.rocketmq.stack.UniqueNames;
import org.apache.rocketmq.common.attribute.TopicMessageType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@link IntegrationTesting}: the way to test your own service ({@link PaymentService}) against a
 * real RocketMQ. The extension gives each test the JVM's one RocketMQ (embedded by default; in
 * containers with {@code -Drocketmq.stack=container}, as CI runs this class too); each test has its
 * own topic, group and database, and waits with a bound.
 */
@ExtendWith(RocketMQExtension.class)
class IntegrationTestingTest {

    private String topic;
    private PaymentService service;

    @BeforeEach
    void startTheService(RocketMQ rocketmq, RocketMQAdmin admin) throws Exception {
        topic = UniqueNames.of("Payments");
        String group = UniqueNames.of("payments");
        admin.createTopic(topic, TopicMessageType.NORMAL);
        service = new PaymentService(rocketmq, topic, group, "jdbc:h2:mem:" + group).start();
    }

    @AfterEach
    void stopTheService() throws Exception {
        service.close();
    }

    @Test
    void aPaymentTakenIsBookedFromTheTopic() throws Exception {
        service.pay("order-1", 1250);

        await().atMost(Duration.ofSeconds(30))
            .untilAsserted(() -> assertThat(service.booked()).isEqualTo(Map.of("order-1", 1250L)));
        assertThat(service.bookings()).isEqualTo(1);
    }

    @Test
    void aPaymentOfNothingIsRefusedAndNeverPublished(RocketMQAdmin admin) {
        assertThatThrownBy(() -> service.pay("order-1", 0)).isInstanceOf(IllegalArgumentException.class)
            .hasMessage("a payment of 0 cents for order-1");
        assertThat(admin.storedMessages(topic)).isZero();
    }

    @Test
    void theLessonBooksADuplicateOnceAndDeadLettersThePoisonMessage(RocketMQ rocketmq) throws Exception {
        IntegrationTesting.Result r = IntegrationTesting.run(rocketmq, UniqueNames.of("Integration"), UniqueNames.of("integration"));

        assertThat(r.bookings()).isEqualTo(3); // order-1 twice, order-2 once
        assertThat(r.booked()).isEqualTo(Map.of("order-1", 1250L, "order-2", 990L));
        assertThat(r.deadLetters()).isEqualTo(1);
    }
}
