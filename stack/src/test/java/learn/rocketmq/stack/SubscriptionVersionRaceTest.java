package learn.rocketmq.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.Lock;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.impl.factory.MQClientInstance;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.common.attribute.TopicMessageType;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageQueue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A RocketMQ 5.5.0 client race, and the workaround the lessons use (docs/rocketmq-5.5-behaviour.md).
 *
 * <p>When a rebalance changes a push consumer's queues, the client raises its subscription's
 * version and tells the broker with a heartbeat, but only if it gets the heartbeat lock at once
 * ({@code tryLock}); when the periodic heartbeat holds it, that heartbeat is skipped
 * ("sendHeartbeatToAllBrokerWithLockV2 lock heartBeat, but failed"). The broker then answers every
 * pull of the consumer with "the consumer's subscription not latest" until the next periodic
 * heartbeat: up to {@code heartbeatBrokerInterval}, 30 s by default. Right after a consumer starts,
 * both happen one second in (the first rebalance waits {@code rocketmq.client.rebalance.minInterval},
 * 1 s; the first periodic heartbeat is scheduled at 1 s), so about one new consumer in 40 stalled
 * here: the cause of the "0 of 60 arrived within 30 s" failures of BatchMessagesTest.
 *
 * <p>These tests make the collision certain by holding the heartbeat lock while a rebalance
 * happens (the topic gets more queues), then send one message once every pull carries the new
 * version. Without the workaround it is not
 * delivered until a heartbeat reaches the broker; with {@code setPostSubscriptionWhenPull(true)}
 * (each pull carries the subscription, so the broker does not compare versions) it is delivered
 * while the broker's version is still the old one.
 */
@ExtendWith(RocketMQExtension.class)
class SubscriptionVersionRaceTest {

    @Test
    void aSkippedRebalanceHeartbeatStallsTheConsumerUntilTheNextHeartbeat(RocketMQ rocketmq, RocketMQAdmin admin)
        throws Exception {
        try (Race race = new Race(rocketmq, admin, false)) {
            race.collide();
            race.send("while-stale");
            // The broker refuses every pull while its subscription version is old: nothing arrives
            // for as long as the lock keeps the heartbeat from going out. An observation window of
            // 4 s (received messages are never removed: absent at its end means absent throughout).
            await().pollDelay(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(5)).until(() -> !race.received.contains("while-stale"));
            assertThat(race.brokerVersionIsStale()).as("the broker still holds the old subscription version").isTrue();
            // Let the periodic heartbeat through: the broker learns the version, pulls succeed again.
            race.releaseHeartbeatLock();
            await().atMost(Duration.ofSeconds(15)).until(() -> race.received.contains("while-stale"));
        }
    }

    @Test
    void withTheSubscriptionSentInEveryPullTheConsumerDoesNotStall(RocketMQ rocketmq, RocketMQAdmin admin)
        throws Exception {
        try (Race race = new Race(rocketmq, admin, true)) {
            race.collide();
            race.send("while-stale");
            await().atMost(Duration.ofSeconds(10)).until(() -> race.received.contains("while-stale"));
            assertThat(race.brokerVersionIsStale()).as("delivered although the broker's version is old").isTrue();
        }
    }

    /** One consumer, its heartbeat lock held by the test thread, and a rebalance that changes its queues. */
    private static final class Race implements AutoCloseable {
        final Set<String> received = ConcurrentHashMap.newKeySet();
        final String topic = UniqueNames.of("SubscriptionRace");
        final String group = UniqueNames.of("subscription-race");
        final RocketMQAdmin admin;
        final DefaultMQPushConsumer consumer;
        final DefaultMQProducer producer;
        final Lock heartbeatLock;
        boolean locked;

        Race(RocketMQ rocketmq, RocketMQAdmin admin, boolean postSubscriptionWhenPull) throws Exception {
            this.admin = admin;
            admin.createTopic(topic, TopicMessageType.NORMAL, 2);
            consumer = new DefaultMQPushConsumer(group);
            consumer.setNamesrvAddr(rocketmq.nameServer());
            consumer.setPollNameServerInterval(1000); // sees the new queues within a second
            consumer.setHeartbeatBrokerInterval(5000);
            consumer.setPostSubscriptionWhenPull(postSubscriptionWhenPull);
            consumer.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
            consumer.subscribe(topic, "*");
            consumer.registerMessageListener((MessageListenerConcurrently) (messages, context) -> {
                messages.forEach(m -> received.add(m.getKeys()));
                return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
            });
            consumer.start();
            producer = new DefaultMQProducer(group + "-producer");
            producer.setNamesrvAddr(rocketmq.nameServer());
            producer.start();
            // Settled first: it owns both queues and has consumed a message.
            send("before");
            await().atMost(Duration.ofSeconds(15)).until(() -> received.contains("before"));
            MQClientInstance client = consumer.getDefaultMQPushConsumerImpl().getmQClientFactory();
            Field field = MQClientInstance.class.getDeclaredField("lockHeartbeat");
            field.setAccessible(true);
            heartbeatLock = (Lock) field.get(client);
        }

        /** Holds the heartbeat lock (as the periodic heartbeat does) while a rebalance changes the queues. */
        void collide() throws Exception {
            heartbeatLock.lock();
            locked = true;
            long before = clientVersion();
            admin.createTopic(topic, TopicMessageType.NORMAL, 4);
            await().atMost(Duration.ofSeconds(15)).until(() -> ConsumerQueues.owned(consumer, topic).size() == 4
                && clientVersion() > before);
            // The pulls of the first two queues were sent with the old version and are parked at the
            // broker (long polling): one message each brings them back; every pull after that
            // carries the new version.
            for (MessageQueue queue : ConsumerQueues.owned(consumer, topic)) {
                if (queue.getQueueId() < 2) {
                    String key = "flush-" + queue.getQueueId();
                    producer.send(new Message(topic, "T", key, key.getBytes(StandardCharsets.UTF_8)), queue);
                }
            }
            await().atMost(Duration.ofSeconds(15)).until(() -> received.containsAll(Set.of("flush-0", "flush-1")));
        }

        void send(String key) throws Exception {
            producer.send(new Message(topic, "T", key, key.getBytes(StandardCharsets.UTF_8)));
        }

        long clientVersion() {
            return consumer.getDefaultMQPushConsumerImpl().getSubscriptionInner().get(topic).getSubVersion();
        }

        /** The broker's subscription version for the group, as its heartbeats told it, is older than the client's. */
        boolean brokerVersionIsStale() throws Exception {
            long brokerVersion = admin.api().examineConsumerConnectionInfo(group).getSubscriptionTable().get(topic).getSubVersion();
            return brokerVersion < clientVersion();
        }

        void releaseHeartbeatLock() {
            if (locked) {
                locked = false;
                heartbeatLock.unlock();
            }
        }

        @Override
        public void close() {
            releaseHeartbeatLock();
            producer.shutdown();
            consumer.shutdown();
        }
    }
}
