package learn.rocketmq.advanced.filtering;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Set;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQExtension;
import learn.rocketmq.stack.UniqueNames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(RocketMQExtension.class)
class Sql92FilteringGrpcTest {

    @Test
    void eachSql92ConditionGetsExactlyTheMatchingMessagesAndAMissingPropertyMatchesOnlyIsNull(RocketMQ rocketmq)
        throws Exception {
        Map<String, Set<String>> got = Sql92FilteringGrpc.run(rocketmq, UniqueNames.of("Sql92FilteringGrpc"),
            UniqueNames.of("sql92-filtering-grpc")).receivedByExpression();

        assertThat(got.get("amount BETWEEN 100 AND 500")).containsExactlyInAnyOrder("m2", "m3", "m4", "m5");
        assertThat(got.get("region IN ('eu', 'us')")).containsExactlyInAnyOrder("m1", "m2", "m3", "m5");
        assertThat(got.get("coupon IS NULL")).containsExactlyInAnyOrder("m1", "m3", "m4", "m5", "m6-no-properties");
        assertThat(got.get("region = 'eu' AND (amount > 300 OR vip = 'true')")).containsExactlyInAnyOrder("m3", "m5");
        // The message without "amount" is in neither a condition nor its negation.
        assertThat(got.get("amount > 100")).containsExactlyInAnyOrder("m2", "m3", "m4", "m5");
        assertThat(got.get("NOT (amount > 100)")).containsExactlyInAnyOrder("m1");
    }
}
