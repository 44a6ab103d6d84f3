package learn.rocketmq.production.clients;

import static org.assertj.core.api.Assertions.assertThat;

import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQExtension;
import learn.rocketmq.stack.UniqueNames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(RocketMQExtension.class)
class ClientInstancesTest {

    @Test
    void producersWithOneInstanceNameShareOneConnectionAndOthersHaveOneEach(RocketMQ rocketmq) throws Exception {
        String prefix = UniqueNames.of("instances");
        ClientInstances.Result r = ClientInstances.run(rocketmq, UniqueNames.of("ClientInstances"), prefix);

        // Default names: two client ids, two connections to the broker.
        assertThat(r.clientIds().get(prefix + "-a")).isNotEqualTo(r.clientIds().get(prefix + "-b"));
        assertThat(r.defaultNames()).hasSize(2);
        // One instance name: one client id, one connection for both producers.
        assertThat(r.clientIds().get(prefix + "-c")).isEqualTo(r.clientIds().get(prefix + "-d")).endsWith("@" + prefix + "-shared");
        assertThat(r.sameName()).hasSize(1);
    }
}
