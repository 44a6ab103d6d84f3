package learn.rocketmq.production.clients;

import static org.assertj.core.api.Assertions.assertThat;

import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQExtension;
import learn.rocketmq.stack.UniqueNames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A 5.x producer has one connection whatever its topics; two producers have two. */
@ExtendWith(RocketMQExtension.class)
class ClientInstancesGrpcTest {

    @Test
    void aFiveXProducerUsesOneConnectionForAllItsTopicsAndEachProducerItsOwn(RocketMQ rocketmq) throws Exception {
        ClientInstancesGrpc.Result r = ClientInstancesGrpc.run(rocketmq, UniqueNames.of("ClientInstancesGrpc"));

        assertThat(r.producerA()).as("producer A's address on both topics (%s)", r.byTopic()).hasSize(1)
            .doesNotContain("none");
        assertThat(r.firstTopic()).as("two producers, two connections (%s)", r.byTopic()).hasSize(2);
    }
}
