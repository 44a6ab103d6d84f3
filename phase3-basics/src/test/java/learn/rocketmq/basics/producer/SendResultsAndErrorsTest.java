package learn.rocketmq.basics.producer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import learn.rocketmq.stack.EmbeddedRocketMQ;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQAdmin;
import learn.rocketmq.stack.RocketMQExtension;
import learn.rocketmq.stack.UniqueNames;
import org.apache.rocketmq.client.exception.MQClientException;
import org.apache.rocketmq.client.producer.SendStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(RocketMQExtension.class)
class SendResultsAndErrorsTest {

    @Test
    void everyStatusIsExplainedAndEveryProvokedFailureHasItsTypeAndHint(RocketMQ rocketmq) throws Exception {
        String topic = UniqueNames.of("SendResultsAndErrors");
        SendResultsAndErrors.Result result = SendResultsAndErrors.run(rocketmq, topic, UniqueNames.of("send-results"));

        assertThat(SendResultsAndErrors.WHAT_TO_DO).containsOnlyKeys(SendStatus.values());
        assertThat(result.ok().getSendStatus()).isEqualTo(SendStatus.SEND_OK);

        Map<String, SendResultsAndErrors.Failure> failures = result.failures().stream()
            .collect(Collectors.toMap(SendResultsAndErrors.Failure::attempt, Function.identity()));
        assertThat(failures).hasSize(5).allSatisfy((what, f) -> {
            assertThat(f.error()).as(what).isNotNull();
            assertThat(f.hint()).as(what).doesNotContain("\n");
        });

        SendResultsAndErrors.Failure missing = failures.get("a topic that does not exist");
        assertThat(missing.error()).isInstanceOf(MQClientException.class).hasMessageContaining("No route info of this topic");
        assertThat(missing.hint()).startsWith("Topic " + topic + "-missing does not exist").contains("+message.type=NORMAL");

        SendResultsAndErrors.Failure tooLarge = failures.get("a 5 MiB message");
        assertThat(tooLarge.error()).isInstanceOf(MQClientException.class);
        assertThat(((MQClientException) tooLarge.error()).getResponseCode()).isEqualTo(13); // MESSAGE_ILLEGAL
        assertThat(tooLarge.hint()).startsWith("The message is too large").contains("MAX: 4194304");

        SendResultsAndErrors.Failure illegalName = failures.get("an illegal topic name");
        assertThat(illegalName.error()).isInstanceOf(MQClientException.class);
        assertThat(illegalName.hint()).startsWith("Illegal topic name").contains("orders/eu west");

        SendResultsAndErrors.Failure empty = failures.get("an empty body");
        assertThat(empty.error()).isInstanceOf(MQClientException.class);
        assertThat(empty.hint()).startsWith("The message body is empty");

        SendResultsAndErrors.Failure unreachable = failures.get("RocketMQ unreachable (nobody at the NameServer address)");
        assertThat(unreachable.error()).isInstanceOf(IllegalStateException.class)
            .hasRootCauseInstanceOf(org.apache.rocketmq.remoting.exception.RemotingConnectException.class);
        assertThat(unreachable.hint()).startsWith("Cannot reach RocketMQ").contains("Is it running?");
    }

    @Test
    void aDefaultInstallationCreatesTheMissingTopicOnItsFirstSend(RocketMQ rocketmq) throws Exception {
        // A broker as ./rocketmq up and docker compose run it: autoCreateTopicEnable=true.
        try (EmbeddedRocketMQ defaults = EmbeddedRocketMQ.start(rocketmq.profile(), Map.of("autoCreateTopicEnable", "true"));
             RocketMQAdmin admin = RocketMQAdmin.connect(defaults.rocketMQ())) {
            String topic = UniqueNames.of("SendResultsAndErrorsAuto");
            SendResultsAndErrors.Result result = SendResultsAndErrors.run(defaults.rocketMQ(), topic, UniqueNames.of("send-auto"));

            SendResultsAndErrors.Failure missing = result.failures().stream()
                .filter(f -> f.attempt().equals("a topic that does not exist")).findFirst().orElseThrow();
            assertThat(missing.error()).isNull();
            assertThat(missing.hint()).contains("autoCreateTopicEnable=true");
            assertThat(admin.api().fetchAllTopicList().getTopicList()).contains(topic + "-missing");
        }
    }

    @Test
    void aSendToABrokerThatWentAwayFailsWithTheCannotReachHint(RocketMQ rocketmq) throws Exception {
        // Starts and stops a RocketMQ of its own (~3 s), and the producer's shutdown then waits ~3 s
        // for the broker it can no longer reach.
        SendResultsAndErrors.Failure gone = SendResultsAndErrors.brokerGone(rocketmq.profile(),
            UniqueNames.of("SendResultsAndErrorsGone"), UniqueNames.of("send-results-gone"));

        assertThat(gone.error()).isInstanceOf(MQClientException.class)
            .hasRootCauseInstanceOf(org.apache.rocketmq.remoting.exception.RemotingConnectException.class);
        assertThat(gone.hint()).doesNotContain("\n").startsWith("Cannot reach RocketMQ");
    }
}
