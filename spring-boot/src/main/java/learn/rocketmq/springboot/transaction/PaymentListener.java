package learn.rocketmq.springboot.transaction;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import learn.rocketmq.springboot.transaction.TransactionalSend.Order;
import org.apache.rocketmq.spring.annotation.RocketMQMessageListener;
import org.apache.rocketmq.spring.core.RocketMQListener;
import org.springframework.stereotype.Component;

/** The consumer of {@link TransactionalSend}'s topic: it sees committed messages only. */
@Component
@RocketMQMessageListener(topic = TransactionalSend.TOPIC, consumerGroup = "lesson-spring-payments")
public class PaymentListener implements RocketMQListener<Order> {

    private final Set<String> delivered = ConcurrentHashMap.newKeySet();

    @Override
    public void onMessage(Order order) {
        delivered.add(order.id());
        System.out.printf("  payment service received %s (amount %d)%n", order.id(), order.amount());
    }

    public Set<String> delivered() {
        return Set.copyOf(delivered);
    }
}
