package learn.rocketmq.internals.streams;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQExtension;
import learn.rocketmq.stack.UniqueNames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Streams lessons: RocketMQ Streams 1.1.1 applications (5.0.0 client, JVMs of their own)
 * against the test JVM's 5.5.0 broker; inputs sent and outputs read with the 5.5.0 client.
 */
@ExtendWith(RocketMQExtension.class)
class StreamsTest {

    @Test
    void filterMapAndSinkWriteExactlyTheBigOrdersAsLines(RocketMQ rocketmq, @TempDir Path dir) throws Exception {
        List<String> lines = StreamApi.run(rocketmq, UniqueNames.of("StreamOrders"), UniqueNames.of("StreamBigOrders"),
            UniqueNames.of("stream-api"), dir);

        // Orders o5..o10 (amounts 100..200), each once, in order (one source queue); no probe passed the filter.
        assertThat(lines).containsExactly("customer-2 spent 100", "customer-0 spent 120", "customer-1 spent 140",
            "customer-2 spent 160", "customer-0 spent 180", "customer-1 spent 200");
    }
}
