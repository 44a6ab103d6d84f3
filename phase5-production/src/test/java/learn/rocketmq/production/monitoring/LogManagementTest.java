package learn.rocketmq.production.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import learn.rocketmq.stack.RocketMQCluster;
import learn.rocketmq.stack.UniqueNames;
import org.junit.jupiter.api.Test;

class LogManagementTest {

    @Test
    void eachServerLogsToItsFilesTheBrokerNamesTheClientsMistakeAndALevelChangesWhileItRuns() throws Exception {
        try (RocketMQCluster cluster = LogManagement.topology().start()) {
            LogManagement.Result r = LogManagement.run(cluster, UniqueNames.of("LogManagement"));

            // An installation's layout, from RocketMQ's own configuration files.
            assertThat(r.nameServerFiles()).contains("namesrv.log");
            assertThat(r.brokerFiles()).contains("broker.log", "store.log", "remoting.log");
            assertThat(r.rolling().get("broker.log")).isEqualTo(new LogManagement.Rolling("128MB", 20, "otherdays/broker.%i.log.gz"));
            assertThat(r.rolling().get("store.log").maxFileSize()).isEqualTo("128MB");
            // The client's error and the broker's line tell the same story, tied by the client's address.
            assertThat(r.clientError()).contains("queueId[7] is illegal");
            String clientAddress = r.clientError().replaceAll("(?s).*Producer: (\\S+).*", "$1");
            assertThat(r.brokerLine()).contains(" WARN ").contains("queueId[7] is illegal").contains(clientAddress);
            // The level changed in the file reached the running broker within a scan period (30 s) or so.
            assertThat(r.debugAfterMillis()).isBetween(0L, 35_000L);
            assertThat(r.debugLine()).contains(" DEBUG ").contains("SendMessage");
            assertThat(Files.readString(cluster.master("broker-a").logbackConfig()))
                .contains("<logger name=\"RocketmqBroker\" additivity=\"false\" level=\"INFO\">");
        }
    }
}
