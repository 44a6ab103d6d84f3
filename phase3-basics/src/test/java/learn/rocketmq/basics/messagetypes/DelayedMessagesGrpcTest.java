package learn.rocketmq.basics.messagetypes;

import static org.assertj.core.api.Assertions.assertThat;

import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQExtension;
import learn.rocketmq.stack.UniqueNames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(RocketMQExtension.class)
class DelayedMessagesGrpcTest {

    @Test
    void messagesWithADeliveryTimeArriveNotBeforeItAndSoonAfterInTheOrderOfTheirTimes(RocketMQ rocketmq) throws Exception {
        DelayedMessagesGrpc.Result result = DelayedMessagesGrpc.run(rocketmq, UniqueNames.of("DelayedMessagesGrpc"),
            UniqueNames.of("delayed-messages-grpc"), 1000);

        DelayedMessagesGrpc.Timing normal = result.messages().get("normal");
        assertThat(normal.receivedAt()).as("the normal message arrived (consumer live)").isPositive();
        for (String key : new String[] {"sooner", "later"}) {
            DelayedMessagesGrpc.Timing t = result.messages().get(key);
            assertThat(t.receivedAt()).as("%s arrived", key).isPositive();
            assertThat(t.receivedAt()).as("%s: received vs due", key)
                .isGreaterThanOrEqualTo(t.dueAt())
                .isLessThan(t.dueAt() + 5_000);
        }
        // Sent first, due later: the delivery time decides, not the send order.
        assertThat(result.messages().get("sooner").receivedAt()).isLessThan(result.messages().get("later").receivedAt());
    }
}
