package learn.rocketmq.springboot.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import learn.rocketmq.springboot.RocketMQBoot;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQExtension;
import learn.rocketmq.stack.UniqueNames;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

@SpringBootTest(classes = ClientTemplateSends.class)
@DirtiesContext
class ClientTemplateSendsTest {

    @DynamicPropertySource
    static void rocketmq(DynamicPropertyRegistry registry) {
        RocketMQ rocketmq = RocketMQExtension.shared();
        ClientTemplateSends.createTopics(rocketmq);
        RocketMQBoot.grpcProperties(rocketmq).forEach((key, value) -> registry.add(key, () -> value));
    }

    @Autowired
    ClientTemplateSends lesson;

    @Autowired
    GrpcListeners listeners;

    @Test
    void theFiveXStarterSendsOverGrpcAndDeliversEachMessageGroupInOrder() throws Exception {
        Map<String, List<String>> received = lesson.sendAndReceive(UniqueNames.of("run"));

        assertThat(received).containsOnlyKeys("normal", "order-7", "order-8");
        assertThat(received.get("normal")).containsExactlyInAnyOrder("hello-sync", "hello-async");
        assertThat(received.get("order-7")).containsExactly("order-7/created", "order-7/paid", "order-7/shipped");
        assertThat(received.get("order-8")).containsExactly("order-8/created", "order-8/paid");
        // Each message took 300 ms of work: a FIFO group hands out the next only after the last's ack.
        assertThat(listeners.maxInFlight()).as("messages of a group consumed at once").isEqualTo(java.util.Map.of("order-7", 1, "order-8", 1));
    }
}
