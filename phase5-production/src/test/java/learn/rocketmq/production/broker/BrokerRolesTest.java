package learn.rocketmq.production.broker;

import static org.assertj.core.api.Assertions.assertThat;

import learn.rocketmq.stack.RocketMQCluster;
import learn.rocketmq.stack.UniqueNames;
import org.junit.jupiter.api.Test;

class BrokerRolesTest {

    @Test
    void theSlaveRefusesWritesAndOnlyWithSlaveReadEnableServesReadsOnceTheMasterIsGone() throws Exception {
        try (RocketMQCluster cluster = BrokerRoles.topology().start()) {
            BrokerRoles.Result r = BrokerRoles.run(cluster, UniqueNames.of("BrokerRoles"), UniqueNames.of("broker-roles-group"), 20);

            // A slave rejects a send outright (it answers as a busy broker would: SYSTEM_BUSY, code 2).
            assertThat(r.slaveRefusal()).startsWith("refused, code 2:");
            assertThat(r.sendWithoutMaster()).isNotEqualTo("SEND_OK");
            // At slaveReadEnable=false (the default) it refuses reads the same way.
            assertThat(r.readRefusal()).startsWith("refused, code 2:");
            assertThat(r.readFromSlave()).isEqualTo(20);
            assertThat(r.sentAfterRestart()).isTrue();
        }
    }
}
