package learn.rocketmq.basics.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQExtension;
import learn.rocketmq.stack.UniqueNames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(RocketMQExtension.class)
class SimpleConsumerGrpcTest {

    @Test
    void anUnackedMessageComesBackAfterItsInvisibleTimeAndAnAckedOneNever(RocketMQ rocketmq) throws Exception {
        // The fast-test profile lowers the proxy's minimum invisible time to 1 s (default 10 s).
        Duration invisible = Duration.ofSeconds(2);
        SimpleConsumerGrpc.Result result = SimpleConsumerGrpc.run(rocketmq, UniqueNames.of("SimpleConsumerGrpc"),
            UniqueNames.of("simple-consumer-grpc"), invisible);

        List<SimpleConsumerGrpc.Delivery> forgotten = result.deliveries().stream().filter(d -> d.key().equals("forget-me")).toList();
        assertThat(forgotten).extracting(SimpleConsumerGrpc.Delivery::attempt).containsExactly(1, 2);
        // Not before its invisible time was over.
        assertThat(forgotten.get(1).atSeconds() - forgotten.get(0).atSeconds())
            .isGreaterThanOrEqualTo(invisible.toMillis() / 1000.0 - 0.2);
        // Acked: received once. Extended to 30 s: not back while the forgotten one was, and its
        // late ack still succeeded.
        assertThat(result.deliveries()).filteredOn(d -> d.key().equals("ack-me")).hasSize(1);
        assertThat(result.deliveries()).filteredOn(d -> d.key().equals("need-more-time")).hasSize(1);
        assertThat(result.extendedOneAcked()).isTrue();
    }
}
