package learn.rocketmq.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** How a lesson finds its RocketMQ, and what it says when there is none where it was told to look. */
@ExtendWith(RocketMQExtension.class)
class StackTest {

    @Test
    void anAddressWhereNothingListensFailsFastWithAHint() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        String address = "127.0.0.1:" + port;
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> Stack.resolve(new String[] {"--namesrv", address}, Map.of()))
            .isInstanceOf(RocketMQUnavailableException.class)
            .hasMessageContaining("nothing answers at " + address)
            .hasMessageContaining("./rocketmq up");
        assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(10_000);
    }

    @Test
    void anAddressFromTheEnvironmentIsUsedAsGiven(RocketMQ rocketmq) {
        RocketMQ resolved = Stack.resolve(new String[0],
            Map.of("ROCKETMQ_NAMESRV", rocketmq.nameServer(), "ROCKETMQ_PROXY", rocketmq.proxy()));
        assertThat(resolved.nameServer()).isEqualTo(rocketmq.nameServer());
        assertThat(resolved.proxy()).isEqualTo(rocketmq.proxy());
        assertThat(resolved.description()).contains("you gave");
    }

    @Test
    void argumentsWinOverTheEnvironment(RocketMQ rocketmq) {
        RocketMQ resolved = Stack.resolve(new String[] {"--namesrv", rocketmq.nameServer()},
            Map.of("ROCKETMQ_NAMESRV", "127.0.0.1:1"));
        assertThat(resolved.nameServer()).isEqualTo(rocketmq.nameServer());
    }

    @Test
    void uniqueNamesAreUniqueAndLegal() {
        String a = UniqueNames.of("Topic");
        String b = UniqueNames.of("Topic");
        assertThat(a).isNotEqualTo(b).matches("[A-Za-z0-9-]+");
    }
}
