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
    void severalNameServersAreGivenAsClassicClientsTakeThem(RocketMQ rocketmq) throws IOException {
        // As in a cluster of two NameServers ("h:p;h:p"): each is checked, the list is used as given.
        RocketMQ resolved = Stack.resolve(new String[] {"--namesrv", rocketmq.nameServer() + ";" + rocketmq.nameServer()}, Map.of());
        assertThat(resolved.nameServer()).isEqualTo(rocketmq.nameServer() + ";" + rocketmq.nameServer());
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        assertThatThrownBy(() -> Stack.resolve(new String[] {"--namesrv", rocketmq.nameServer() + ";127.0.0.1:" + port}, Map.of()))
            .isInstanceOf(RocketMQUnavailableException.class).hasMessageContaining("nothing answers at 127.0.0.1:" + port + " ");
    }

    @Test
    void argumentsWinOverTheEnvironment(RocketMQ rocketmq) {
        RocketMQ resolved = Stack.resolve(new String[] {"--namesrv", rocketmq.nameServer()},
            Map.of("ROCKETMQ_NAMESRV", "127.0.0.1:1"));
        assertThat(resolved.nameServer()).isEqualTo(rocketmq.nameServer());
    }

    @Test
    void aSystemPropertyWinsOverTheEnvironmentAsInTests(RocketMQ rocketmq) {
        // One precedence rule for lessons and tests: argument, system property, environment.
        System.setProperty("rocketmq.namesrv", rocketmq.nameServer());
        try {
            RocketMQ resolved = Stack.resolve(new String[0], Map.of("ROCKETMQ_NAMESRV", "127.0.0.1:1"));
            assertThat(resolved.nameServer()).isEqualTo(rocketmq.nameServer());
        } finally {
            System.clearProperty("rocketmq.namesrv");
        }
    }

    @Test
    void aLessonEndsWhenItsMainReturnsEvenWithAThreadLeftBehind(RocketMQ rocketmq) throws Exception {
        String javaBin = java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process lesson = new ProcessBuilder(javaBin, "-cp", System.getProperty("java.class.path"),
            LessonLeavingAThread.class.getName(), "--namesrv", rocketmq.nameServer(), "--proxy", rocketmq.proxy())
            .redirectErrorStream(true).start();
        boolean ended = lesson.waitFor(30, java.util.concurrent.TimeUnit.SECONDS);
        String output = new String(lesson.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        if (!ended) {
            lesson.destroyForcibly();
        }
        assertThat(ended).as("the lesson JVM ended; output: %s", output).isTrue();
        assertThat(lesson.exitValue()).isZero();
        assertThat(output).contains("Using the RocketMQ you gave");
    }

    /** A lesson whose client left a non-daemon thread running, as the classic orderly consumer does. */
    public static class LessonLeavingAThread {
        public static void main(String[] args) {
            RocketMQ.forLesson(args);
            new Thread(() -> {
                try {
                    Thread.sleep(Long.MAX_VALUE);
                } catch (InterruptedException ignored) {
                    // ends with the JVM
                }
            }, "left-behind").start();
        }
    }

    @Test
    void aGrpcLessonOnARocketMQWithoutProxySaysWhatToDo() {
        RocketMQ classicOnly = new RocketMQ("127.0.0.1:9876", null, "a classic-only RocketMQ", StackProfile.DEFAULTS);
        assertThatThrownBy(classicOnly::requireProxy)
            .isInstanceOf(RocketMQUnavailableException.class)
            .hasMessageContaining("--enable-proxy")
            .hasMessageContaining("--proxy host:port");
    }

    @Test
    void theContainerModeWithoutADockerEngineFailsInOneLine() {
        // Asked for and not possible: a failure (a skip would turn a run that tested nothing green).
        assertThatThrownBy(() -> ContainerRocketMQ.requireEngine("no socket"))
            .isInstanceOf(RocketMQUnavailableException.class)
            .hasMessageContaining("needs a Docker engine, and none answers here")
            .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
        ContainerRocketMQ.requireEngine(null);
    }

    @Test
    void uniqueNamesAreUniqueAndLegal() {
        String a = UniqueNames.of("Topic");
        String b = UniqueNames.of("Topic");
        assertThat(a).isNotEqualTo(b).matches("[A-Za-z0-9-]+");
    }
}
