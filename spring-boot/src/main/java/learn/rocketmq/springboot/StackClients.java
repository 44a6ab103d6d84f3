package learn.rocketmq.springboot;

import learn.rocketmq.clients.Clients;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.StackProfile;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
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
 * {@code @Import(StackClients.class)}.
 *
 * <p>And one choice your own application makes too: where a <em>new</em> group starts. The
 * starter leaves the client's default, {@code CONSUME_FROM_LAST_OFFSET}, and with it a new group
 * can skip a message sent while it starts: the broker answers "no offset" for a queue that is
 * still empty, the client then asks for the queue's end, and a message stored between the two
 * answers is behind it (1 run in 10 of ListenerModesTest lost its first message so;
 * docs/rocketmq-5.5-behaviour.md). The lessons' groups are new, so they start from the first
 * offset; a group that has committed offsets resumes from them either way.
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
            container.getConsumer().setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
        }
        return bean;
    }
}
