package learn.rocketmq.projects.simplemessaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQExtension;
import learn.rocketmq.stack.UniqueNames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(RocketMQExtension.class)
class SimpleMessagingAppTest {

    @Test
    void eachTypedLineArrivesBeforeTheNextIsTypedAndQuitEndsTheApp(RocketMQ rocketmq) throws Exception {
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(output, true, StandardCharsets.UTF_8);
        List<String> typed = List.of("hello", "", "RocketMQ is running", "third line", "quit", "never sent");
        // A learner at the keyboard: types the next line only once the previous one showed up.
        Iterable<String> learner = () -> new Iterator<>() {
            private int next;
            private String previous;

            @Override
            public boolean hasNext() {
                return next < typed.size();
            }

            @Override
            public String next() {
                if (previous != null && !previous.isEmpty()) {
                    String expected = "received: " + previous;
                    await().atMost(Duration.ofSeconds(10))
                        .until(() -> output.toString(StandardCharsets.UTF_8).contains(expected));
                }
                previous = typed.get(next++);
                return previous;
            }
        };

        SimpleMessagingApp.Result result = SimpleMessagingApp.run(rocketmq, UniqueNames.of("SimpleMessaging"),
            UniqueNames.of("simple-messaging"), learner, out);

        assertThat(result.sent()).extracting(SimpleMessagingApp.Sent::text)
            .containsExactly("hello", "RocketMQ is running", "third line"); // blank skipped, nothing after quit
        assertThat(result.receivedAt()).hasSize(3);
        for (SimpleMessagingApp.Sent s : result.sent()) {
            assertThat(result.receivedAt().get(s.key()) - s.sentAt()).as("ms until %s arrived", s.text()).isBetween(0L, 10_000L);
        }
        assertThat(output.toString(StandardCharsets.UTF_8)).doesNotContain("never sent");
    }

    @Test
    void theEndOfInputEndsTheAppAfterTheLastLineArrived(RocketMQ rocketmq) throws Exception {
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        SimpleMessagingApp.Result result = SimpleMessagingApp.run(rocketmq, UniqueNames.of("SimpleMessaging"),
            UniqueNames.of("simple-messaging"), List.of("one", "two"), new PrintStream(output, true, StandardCharsets.UTF_8));

        assertThat(result.sent()).extracting(SimpleMessagingApp.Sent::text).containsExactly("one", "two");
        assertThat(result.receivedAt()).containsOnlyKeys("line-1", "line-2");
    }
}
