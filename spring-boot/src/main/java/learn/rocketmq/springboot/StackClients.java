package learn.rocketmq.springboot;

import learn.rocketmq.clients.Clients;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.StackProfile;
import org.apache.rocketmq.spring.core.RocketMQTemplate;
import org.apache.rocketmq.spring.support.DefaultRocketMQListenerContainer;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.context.EnvironmentAware;
import org.springframework.core.env.Environment;

/**
 * The client settings every lesson of this project shares ({@link Clients#configure}), applied to
 * the clients the starter builds: the template's producer before it starts, each
 * {@code @RocketMQMessageListener}'s push consumer after it is built and before it starts. On the
 * test stack that is its fast timing; on any RocketMQ it is the fix for the 5.5.0 first-rebalance
 * stall (a push consumer sends its subscription with each pull). A lesson imports it with
 * {@code @Import(StackClients.class)}; an application of your own needs neither.
 */
public class StackClients implements BeanPostProcessor, EnvironmentAware {

    /** The Spring property naming the broker's timing: a {@link StackProfile} name. */
    public static final String PROFILE = "learn.rocketmq.profile";

    private RocketMQ rocketmq;

    @Override
    public void setEnvironment(Environment environment) {
        StackProfile profile = StackProfile.valueOf(environment.getProperty(PROFILE, StackProfile.DEFAULTS.name()));
        rocketmq = new RocketMQ(environment.getRequiredProperty("rocketmq.name-server"), null, "Spring", profile);
    }

    @Override
    public Object postProcessBeforeInitialization(Object bean, String name) {
        if (bean instanceof RocketMQTemplate template) { // its producer starts when the template is initialized
            Clients.configure(template.getProducer(), rocketmq);
        }
        return bean;
    }

    @Override
    public Object postProcessAfterInitialization(Object bean, String name) {
        if (bean instanceof DefaultRocketMQListenerContainer container) { // built, started later
            Clients.configure(container.getConsumer(), rocketmq);
        }
        return bean;
    }
}
