package learn.rocketmq.production.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQExtension;
import learn.rocketmq.stack.UniqueNames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(RocketMQExtension.class)
class AdminConsoleTest {

    @Test
    void mqadminShowsTheClusterTheTopicTheGroupsBacklogAndFindsMessages(RocketMQ rocketmq) throws Exception {
        String topic = UniqueNames.of("AdminConsole");
        String group = UniqueNames.of("admin-console");
        Map<String, String> out = AdminConsole.run(rocketmq, topic, group, 30, 20);

        assertThat(output(out, "clusterList")).contains("DefaultCluster").contains("broker-a");
        // topicStatus: the 4 queues' max offsets add up to the 30 sent.
        Matcher queue = Pattern.compile("broker-a\\s+\\d+\\s+\\d+\\s+(\\d+)").matcher(output(out, "topicStatus"));
        long total = 0;
        int queues = 0;
        while (queue.find()) {
            total += Long.parseLong(queue.group(1));
            queues++;
        }
        assertThat(queues).isEqualTo(4);
        assertThat(total).isEqualTo(30);
        // consumerProgress: the 10 sent after the group went offline are its backlog.
        assertThat(output(out, "consumerProgress")).containsPattern("Diff Total: 10\\b");
        assertThat(output(out, "consumerConnection")).contains("CONSUME_PASSIVELY");
        assertThat(output(out, "queryMsgByKey")).contains("order-3");
        assertThat(output(out, "queryMsgById")).contains("Keys:").contains("order-19");
    }

    private static String output(Map<String, String> outputs, String command) {
        return outputs.entrySet().stream().filter(e -> e.getKey().startsWith(command + " ")).findFirst().orElseThrow().getValue();
    }
}
