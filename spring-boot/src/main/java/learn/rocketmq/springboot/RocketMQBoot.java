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

    /** Starts the application {@code app} against {@code rocketmq}; close it to stop its clients. */
    public static ConfigurableApplicationContext run(Class<?> app, RocketMQ rocketmq) {
        return new SpringApplicationBuilder(app).properties(Map.copyOf(properties(rocketmq))).run();
    }
}
