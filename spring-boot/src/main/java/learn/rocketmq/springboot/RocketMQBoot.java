package learn.rocketmq.springboot;

import java.util.LinkedHashMap;
import java.util.Map;
import learn.rocketmq.stack.RocketMQ;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * How a Spring Boot lesson gets its RocketMQ: the stack's addresses become Spring properties,
 * nothing else. {@code rocketmq.name-server} is the starter's own key (what a real application
 * puts in {@code application.properties}); {@code learn.rocketmq.profile} tells
 * {@link StackClients} which timing the broker runs.
 *
 * <p>A lesson's {@code main} calls {@link #run}; a test hands the same properties to
 * {@code @SpringBootTest} with {@code @DynamicPropertySource}.
 */
public final class RocketMQBoot {

    private RocketMQBoot() {
    }

    /** The Spring properties that point an application at {@code rocketmq}. */
    public static Map<String, String> properties(RocketMQ rocketmq) {
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("rocketmq.name-server", rocketmq.nameServer());
        properties.put(StackClients.PROFILE, rocketmq.profile().name());
        return properties;
    }

    /**
     * The properties for the 5.x starter ({@code rocketmq-v5-client-spring-boot-starter}), which
     * talks gRPC to the proxy: its producer's and push consumers' endpoints. Only its lessons set
     * them: the starter makes a producer wherever {@code rocketmq.producer.endpoints} is set.
     */
    public static Map<String, String> grpcProperties(RocketMQ rocketmq) {
        Map<String, String> properties = properties(rocketmq);
        properties.put("rocketmq.producer.endpoints", rocketmq.requireProxy());
        properties.put("rocketmq.push-consumer.endpoints", rocketmq.requireProxy());
        return properties;
    }

    /** Starts the application {@code app} against {@code rocketmq}; close it to stop its clients. */
    public static ConfigurableApplicationContext run(Class<?> app, RocketMQ rocketmq) {
        return run(app, properties(rocketmq));
    }

    /** Starts the application {@code app} with {@code properties} (lowest precedence, as defaults). */
    public static ConfigurableApplicationContext run(Class<?> app, Map<String, String> properties) {
        return new SpringApplicationBuilder(app).properties(Map.copyOf(properties)).run();
    }
}
