package learn.rocketmq.projects.orderprocessing;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import learn.rocketmq.projects.orderprocessing.OrderProcessingSystem.OrderState;
import org.apache.rocketmq.client.consumer.listener.ConsumeOrderlyContext;
import org.apache.rocketmq.client.consumer.listener.ConsumeOrderlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerOrderly;
import org.apache.rocketmq.common.message.MessageExt;

/** The fulfilment service: one state machine per order, fed by an orderly listener. */
final class FulfilmentService implements MessageListenerOrderly {
    final Map<String, List<OrderState>> history = new ConcurrentHashMap<>();
    final List<String> violations = Collections.synchronizedList(new ArrayList<>());
    final Set<String> threads = ConcurrentHashMap.newKeySet();
    final AtomicInteger inFlight = new AtomicInteger();
    final AtomicInteger maxConcurrent = new AtomicInteger();
    final CountDownLatch allCompleted;

    FulfilmentService(int orders) {
        this.allCompleted = new CountDownLatch(orders);
    }

    @Override
    public ConsumeOrderlyStatus consumeMessage(List<MessageExt> messages,
                                               ConsumeOrderlyContext context) {
        maxConcurrent.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
        try {
            for (MessageExt m : messages) {
                apply(m.getKeys(), OrderState.valueOf(m.getTags()), m.getQueueId());
            }
            return ConsumeOrderlyStatus.SUCCESS;
        } finally {
            inFlight.decrementAndGet();
        }
    }

    private void apply(String orderId, OrderState event, int queueId) {
        threads.add(Thread.currentThread().getName());
        List<OrderState> applied = history.computeIfAbsent(orderId, k -> Collections.synchronizedList(new ArrayList<>()));
        OrderState current = applied.isEmpty() ? null : applied.get(applied.size() - 1);
        int expected = current == null ? 0 : current.ordinal() + 1;
        if (event.ordinal() < expected) {
            System.out.printf("  fulfilment: %s %s again, already applied: ignored%n", orderId, event);
            return;
        }
        if (event.ordinal() > expected) {
            violations.add(orderId + ": " + event + " arrived while the order was " + current);
            System.out.printf("  fulfilment: %s %s arrived while the order was %s: REFUSED%n", orderId, event, current);
            return;
        }
        doTheWork();
        applied.add(event);
        System.out.printf("  fulfilment: %s %s -> %s (queue %d, %s)%n", orderId, current == null ? "new" : current,
            event, queueId, Thread.currentThread().getName());
        if (event == OrderState.COMPLETED) {
            allCompleted.countDown();
        }
    }

    /** Stands for the real work of a step (charging, packing, ...): a millisecond. */
    private static void doTheWork() {
        try {
            Thread.sleep(1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
