package learn.rocketmq.basics.producer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQExtension;
import learn.rocketmq.stack.UniqueNames;
import org.apache.rocketmq.client.apis.ClientException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(RocketMQExtension.class)
class SendResultsAndErrorsGrpcTest {

    @Test
    void everyProvokedFailureOfThe5xClientHasItsTypeAndHint(RocketMQ rocketmq) throws Exception {
        SendResultsAndErrorsGrpc.Result result = SendResultsAndErrorsGrpc.run(rocketmq, UniqueNames.of("SendResultsAndErrorsGrpc"));

        assertThat(result.ok().getMessageId()).isNotNull();
        Map<String, SendResultsAndErrorsGrpc.Failure> failures = result.failures().stream()
            .collect(Collectors.toMap(SendResultsAndErrorsGrpc.Failure::attempt, Function.identity()));
        assertThat(failures).hasSize(5).allSatisfy((what, f) -> {
            assertThat(f.error()).as(what).isNotNull();
            assertThat(f.hint()).as(what).doesNotContain("\n");
        });

        SendResultsAndErrorsGrpc.Failure wrongType = failures.get("a FIFO message (with a message group) to a NORMAL topic");
        assertThat(wrongType.error()).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("actualMessageType=FIFO").hasMessageContaining("acceptMessageTypes=[NORMAL]");
        assertThat(wrongType.hint()).startsWith("The message's type does not match the topic's type");

        SendResultsAndErrorsGrpc.Failure tooLarge = failures.get("a 5 MiB message");
        assertThat(tooLarge.error()).isInstanceOf(ClientException.class).hasMessageContaining("exceeds the threshold");
        assertThat(tooLarge.hint()).startsWith("The message is too large");

        // The 5.x message builder checks the topic name itself.
        SendResultsAndErrorsGrpc.Failure illegalName = failures.get("an illegal topic name");
        assertThat(illegalName.error()).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("topic does not match the regex");
        assertThat(illegalName.hint()).startsWith("Illegal topic name");

        SendResultsAndErrorsGrpc.Failure empty = failures.get("an empty body");
        assertThat(empty.error()).isInstanceOf(IllegalArgumentException.class);
        assertThat(empty.hint()).startsWith("The message body is empty");

        SendResultsAndErrorsGrpc.Failure unreachable = failures.get("RocketMQ unreachable (nobody at the proxy endpoint)");
        assertThat(unreachable.error()).isInstanceOf(IllegalStateException.class);
        assertThat(unreachable.hint()).startsWith("Cannot reach RocketMQ").contains("proxy port (8081)");
    }
}
