package learn.rocketmq.stack;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * JUnit 5: gives a test a real RocketMQ. Annotate the class with
 * {@code @ExtendWith(RocketMQExtension.class)} and take {@link RocketMQ} (addresses) and/or
 * {@link RocketMQAdmin} (create topics and groups) as parameters of a test, constructor or
 * {@code @BeforeAll} method.
 *
 * <p>One stack per test JVM, shared by every test class of the module (a module's tests run in
 * one JVM), started on first use and stopped when the JVM ends. Which stack:
 * <ul>
 *   <li>default: an {@link EmbeddedRocketMQ} with the {@link StackProfile#FAST_TESTS} profile;</li>
 *   <li>{@code ROCKETMQ_NAMESRV} (and {@code ROCKETMQ_PROXY}) set, or {@code -Drocketmq.namesrv=...}:
 *   that external RocketMQ (the Compose stack, a cluster), assumed to run default timing;</li>
 *   <li>{@code -Drocketmq.stack=container}: {@link ContainerRocketMQ} (Testcontainers, the fast-test
 *   profile; where there is no Docker engine every test fails, saying so in one line).</li>
 * </ul>
 * Tests share the broker, so every test uses its own topic and group names: {@link UniqueNames}.
 *
 * <p>When a test fails, it prints where the logs of the run are: the build keeps the servers'
 * and clients' logs in {@code target/rocketmq-logs} ({@link Stack#keptLogsRoot()}).
 */
public final class RocketMQExtension implements ParameterResolver, TestWatcher {

    /** The embedded stack of this JVM once started (read without starting it). */
    private static volatile EmbeddedRocketMQ startedEmbedded;

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(RocketMQExtension.class);

    /** The stack of this JVM, once started; or why it could not start: every test then fails with it. */
    private static Shared instance;
    private static RuntimeException failure;

    /** The stack of this JVM (started on first call). */
    public static synchronized RocketMQ shared() {
        return instance().rocketMQ;
    }

    private static synchronized Shared instance() {
        if (failure != null) {
            throw failure;
        }
        if (instance == null) {
            try {
                instance = new Shared();
            } catch (RuntimeException e) {
                failure = e;
                throw e;
            }
        }
        return instance;
    }

    /** The embedded stack of this JVM, for tests that look at its files or its process. */
    public static synchronized EmbeddedRocketMQ sharedEmbedded() {
        if (instance().embedded == null) {
            throw new org.opentest4j.TestAbortedException("this test needs the embedded stack (not an external one)");
        }
        return instance().embedded;
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == RocketMQ.class || type == RocketMQAdmin.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        RocketMQ rocketMQ = shared();
        if (parameter.getParameter().getType() == RocketMQ.class) {
            return rocketMQ;
        }
        // One admin client per JVM too, closed with the root context (after all tests).
        return context.getRoot().getStore(NAMESPACE).getOrComputeIfAbsent("admin",
            key -> new ClosingAdmin(RocketMQAdmin.connect(rocketMQ)), ClosingAdmin.class).admin;
    }

    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
        String where = Stack.keptLogsRoot()
            .map(root -> "are kept in " + root + (startedEmbedded != null
                ? " (this JVM's stack: " + startedEmbedded.logDir().resolve("rocketmq.log")
                    + "; clients: " + Stack.clientLogDir() + ")" : ""))
            .orElse("were not kept: run with -D" + Stack.LOGS_DIR_PROPERTY + "=DIR to keep them");
        System.out.println("[stack] " + context.getDisplayName() + " failed; the RocketMQ logs of this run " + where);
    }

    private record ClosingAdmin(RocketMQAdmin admin) implements ExtensionContext.Store.CloseableResource, AutoCloseable {
        @Override
        public void close() {
            admin.close();
        }
    }

    /** Started once per JVM, on first use ({@link #instance()}). */
    private static final class Shared {

        final RocketMQ rocketMQ;
        final EmbeddedRocketMQ embedded;

        private Shared() {
            Stack.clientLogsToTemp();
            String stack = System.getProperty("rocketmq.stack", "");
            String namesrv = firstNonBlank(System.getProperty("rocketmq.namesrv"), System.getenv("ROCKETMQ_NAMESRV"));
            if (stack.equals("container")) {
                embedded = null;
                rocketMQ = ContainerRocketMQ.startShared();
            } else if (namesrv != null) {
                embedded = null;
                String proxy = firstNonBlank(System.getProperty("rocketmq.proxy"), System.getenv("ROCKETMQ_PROXY"));
                Stack.requireListening(namesrv, "ROCKETMQ_NAMESRV / rocketmq.namesrv");
                rocketMQ = new RocketMQ(namesrv, proxy, "the external RocketMQ at " + namesrv, StackProfile.DEFAULTS);
            } else {
                embedded = EmbeddedRocketMQ.start(StackProfile.FAST_TESTS);
                rocketMQ = embedded.rocketMQ();
            }
            System.out.println("[stack] tests use " + rocketMQ.description());
            startedEmbedded = embedded;
        }

        private static String firstNonBlank(String a, String b) {
            return a != null && !a.isBlank() ? a : (b != null && !b.isBlank() ? b : null);
        }
    }
}
