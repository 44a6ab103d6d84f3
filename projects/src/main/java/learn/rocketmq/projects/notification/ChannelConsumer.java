package learn.rocketmq.projects.notification;

import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import learn.rocketmq.clients.Clients;
import learn.rocketmq.stack.RocketMQ;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.MessageSelector;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.common.message.MessageExt;

/**
 * One channel's delivery service: a consumer group of its own ({@code notify-<channel>}) on the
 * one notification topic, so each channel has its own progress, its own retries and its own
 * dead-letter queue ({@code %DLQ%notify-<channel>}); a provider that is down holds back only its
 * channel. Per message: wait for the channel's rate limiter (Resilience4j: a provider's quota),
 * claim the delivery ({@link Deliveries}: a duplicate stops here), deliver. A transient failure
 * gives the claim back and asks for a retry (the broker redelivers after the next delay level,
 * up to {@code maxRetries} times); a permanent one goes to the DLQ at once
 * ({@code setDelayLevelWhenNextConsume(-1)}), without burning retries.
 */
public final class ChannelConsumer implements AutoCloseable {

    private final Channel channel;
    private final DefaultMQPushConsumer consumer;
    private final RateLimiter limiter;
    private final List<Long> permitsAt = new ArrayList<>();
    private final AtomicInteger delivered = new AtomicInteger();
    private final AtomicInteger duplicates = new AtomicInteger();
    private final AtomicInteger retried = new AtomicInteger();
    private final AtomicInteger deadLettered = new AtomicInteger();

    /**
     * @param perSecond the provider's quota: deliveries per second, at most
     * @param maxRetries redeliveries of a transiently failing notification before its DLQ
     */
    public ChannelConsumer(RocketMQ rocketmq, String topic, Channel channel, int perSecond, int maxRetries, Deliveries deliveries)
            throws Exception {
        this.channel = channel;
        limiter = RateLimiter.of(channel.name(), RateLimiterConfig.custom()
            .limitForPeriod(perSecond).limitRefreshPeriod(Duration.ofSeconds(1)).timeoutDuration(Duration.ofSeconds(30)).build());
        consumer = new DefaultMQPushConsumer(group(channel.name()));
        Clients.configure(consumer, rocketmq);
        consumer.subscribe(topic, MessageSelector.bySql(channel.name() + " IS NOT NULL")); // only its own
        consumer.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
        consumer.setMaxReconsumeTimes(maxRetries);
        consumer.registerMessageListener((MessageListenerConcurrently) (messages, context) -> {
            MessageExt message = messages.get(0); // one per call (consumeMessageBatchMaxSize 1)
            Notification notification = Notification.from(message, channel.name());
            try {
                if (!limiter.acquirePermission()) {
                    return ConsumeConcurrentlyStatus.RECONSUME_LATER; // quota used up for 30 s: later
                }
                synchronized (permitsAt) {
                    permitsAt.add(System.nanoTime());
                }
                if (!deliveries.claim(notification.id(), channel.name())) {
                    duplicates.incrementAndGet(); // delivered already: acknowledge, do nothing
                    return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
                }
                try {
                    channel.deliver(notification);
                    delivered.incrementAndGet();
                    return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
                } catch (Channel.Permanent e) {
                    deliveries.release(notification.id(), channel.name()); // a re-drive from the DLQ may try again
                    deadLettered.incrementAndGet();
                    System.out.printf("  [%s] %s: %s -> dead-letter queue, no retries%n", channel.name(), notification.id(), e.getMessage());
                    context.setDelayLevelWhenNextConsume(-1);
                    return ConsumeConcurrentlyStatus.RECONSUME_LATER;
                } catch (Exception e) {
                    deliveries.release(notification.id(), channel.name());
                    retried.incrementAndGet();
                    return ConsumeConcurrentlyStatus.RECONSUME_LATER; // attempt message.getReconsumeTimes() + 1 failed
                }
            } catch (Exception e) { // the database
                return ConsumeConcurrentlyStatus.RECONSUME_LATER;
            }
        });
        consumer.start();
    }

    /** The channel's name: email, sms, push. */
    public String name() {
        return channel.name();
    }

    public static String group(String channel) {
        return "notify-" + channel;
    }

    public int delivered() {
        return delivered.get();
    }

    /** Copies dropped because the notification had gone out on this channel already. */
    public int duplicates() {
        return duplicates.get();
    }

    /** Deliveries that failed and were handed back for a retry. */
    public int retried() {
        return retried.get();
    }

    public int deadLettered() {
        return deadLettered.get();
    }

    /** When the rate limiter let each attempt through (System.nanoTime). */
    public List<Long> permitsAt() {
        synchronized (permitsAt) {
            return List.copyOf(permitsAt);
        }
    }

    @Override
    public void close() {
        consumer.shutdown();
    }
}
