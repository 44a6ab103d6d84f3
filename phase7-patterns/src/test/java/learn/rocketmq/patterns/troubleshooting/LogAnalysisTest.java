package learn.rocketmq.patterns.troubleshooting;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import learn.rocketmq.stack.RocketMQCluster;
import learn.rocketmq.stack.UniqueNames;
import org.junit.jupiter.api.Test;

class LogAnalysisTest {

    @Test
    void theBrokersLogsSummarisedByKindShowTheIncidentApartFromTheNoise() throws Exception {
        try (RocketMQCluster cluster = LogAnalysis.topology().start()) {
            List<LogAnalysis.Kind> kinds = LogAnalysis.run(cluster, UniqueNames.of("Logs"));

            // The three sends to queue 7: one kind, three lines, in broker.log, with its meaning.
            LogAnalysis.Kind queue = kind(kinds, "queueId[<n>] is illegal");
            assertThat(queue.count()).isEqualTo(3);
            assertThat(queue.file()).isEqualTo("broker.log");
            assertThat(queue.example()).contains("queueId[7] is illegal");
            assertThat(queue.meaning()).contains("CODE 29");
            // The two oversized bodies: in store.log, with the broker's limit.
            LogAnalysis.Kind size = kind(kinds, "message body size exceeded");
            assertThat(size.count()).isEqualTo(2);
            assertThat(size.file()).isEqualTo("store.log");
            assertThat(size.example()).contains("maxMessageSize: 65536");
            // The timer's refusal left no line: the client's exception is its only trace.
            assertThat(kinds).noneMatch(k -> k.example().contains("timer message illegal") || k.example().contains("max delay"));
            // The kinds that matter come first, the known noise after them, flagged.
            List<Boolean> noiseInOrder = kinds.stream().map(LogAnalysis.Kind::noise).toList();
            assertThat(noiseInOrder).isSortedAccordingTo(Boolean::compare);
            assertThat(kinds).filteredOn(k -> k.template().startsWith("No resource file with name")).isNotEmpty().allMatch(LogAnalysis.Kind::noise);
            assertThat(queue.noise()).isFalse();
        }
    }

    @Test
    void aTemplateReplacesAddressesIdsAndNumbers() {
        assertThat(LogAnalysis.template("send from 127.0.0.1:40312 of 0A0B0C0D0E0F00112233445566778899 took 12 ms"))
            .isEqualTo("send from <addr> of <id> took <n> ms");
    }

    private static LogAnalysis.Kind kind(List<LogAnalysis.Kind> kinds, String fragment) {
        List<LogAnalysis.Kind> found = kinds.stream().filter(k -> k.template().contains(fragment)).toList();
        assertThat(found).as("kinds with '%s' in %s", fragment, kinds).hasSize(1);
        return found.get(0);
    }
}
