package learn.rocketmq.advanced.filtering;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import learn.rocketmq.stack.EmbeddedRocketMQ;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.StackProfile;
import learn.rocketmq.stack.UniqueNames;
import org.junit.jupiter.api.Test;

class Sql92WithoutPropertyFilterGrpcTest {

    @Test
    void aBrokerWithoutEnablePropertyFilterRefusesAClassicSqlConsumerButStillFiltersFor5x() throws Exception {
        try (EmbeddedRocketMQ broker = EmbeddedRocketMQ.start(StackProfile.FAST_TESTS, Map.of("enablePropertyFilter", "false"))) {
            List<String> received = Sql92WithoutPropertyFilterGrpc.run(broker.rocketMQ(),
                UniqueNames.of("Sql92GrpcNoFilter"), UniqueNames.of("sql92-grpc-no-filter"));

            // RocketMQ 5.5.0: the pop path does not check enablePropertyFilter; the condition is applied.
            assertThat(received).containsExactly("large-150");
            // The same broker refuses a classic consumer with a SQL92 subscription.
            assertThat(Sql92Filtering.withoutPropertyFilter(broker.rocketMQ(), UniqueNames.of("Sql92ClassicNoFilter"),
                UniqueNames.of("sql92-classic-no-filter"))).isNotEqualTo("started").containsIgnoringCase("SQL92");
        }
    }
}
