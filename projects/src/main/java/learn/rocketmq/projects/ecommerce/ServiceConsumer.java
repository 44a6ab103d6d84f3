package learn.rocketmq.projects.ecommerce;

import learn.rocketmq.clients.Clients;
import learn.rocketmq.stack.RocketMQ;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.common.message.MessageExt;

/** How each service of the project listens: its own consumer group, its tags, one message at a time, a failure retried later. */
final class ServiceConsumer {

    private ServiceConsumer() {
    }

    /** What a service does with one message; throwing means "retry it later". */
    interface Handler {
        void handle(MessageExt message) throws Exception;
    }

    static DefaultMQPushConsumer start(RocketMQ rocketmq, String group, String topic, String tags, Handler handler) throws Exception {
        DefaultMQPushConsumer consumer = new DefaultMQPushConsumer(group);
        Clients.configure(consumer, rocketmq); // NameServer address and shared client settings (see Clients)
        consumer.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
        consumer.setConsumeMessageBatchMaxSize(1);
        consumer.subscribe(topic, tags);
        consumer.registerMessageListener((MessageListenerConcurrently) (messages, context) -> {
            try {
                handler.handle(messages.get(0));
                return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
            } catch (Exception e) {
                System.out.printf("  %s: %s, retried later%n", group, e);
                return ConsumeConcurrentlyStatus.RECONSUME_LATER;
            }
        });
        consumer.start();
        return consumer;
    }
}
