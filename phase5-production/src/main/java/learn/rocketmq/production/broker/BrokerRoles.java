package learn.rocketmq.production.broker;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import learn.rocketmq.clients.Clients;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQAdmin;
import learn.rocketmq.stack.RocketMQCluster;
import learn.rocketmq.stack.RocketMQServer;
import learn.rocketmq.stack.Wait;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.exception.MQBrokerException;
import org.apache.rocketmq.client.impl.CommunicationMode;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.common.attribute.TopicMessageType;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageDecoder;
import org.apache.rocketmq.remoting.protocol.header.SendMessageRequestHeader;

/**
 * Broker roles: a master takes writes and reads; its slave copies the master's commit log and
 * refuses writes, and reads too unless {@code slaveReadEnable=true}; with the master gone and
 * slave reads on, consumers read on from the slave while producers have nowhere to write until
 * the master is back.
 * Roadmap: 5.1 Broker Configuration: Broker roles (Master/Slave).
 *
 * <p>A group's brokers share a {@code brokerName}; {@code brokerId} 0 is its master
 * ({@code brokerRole=ASYNC_MASTER} or {@code SYNC_MASTER}), 1 and up are slaves
 * ({@code brokerRole=SLAVE}). Producers only ever get the master from the NameServer. Consumers
 * read from the master; a client turns to a slave when the master is gone (or, with
 * {@code slaveReadEnable=true}, when the master says its page cache is exceeded), but a 5.5.0
 * slave refuses every pull while {@code slaveReadEnable} is false, its default: a group of a
 * master and a slave at the defaults has no reads either while the master is down. A slave does
 * not become master on its own (that takes controller mode: lesson ControllerFailover). Run it:
 * {@code ./lesson BrokerRoles} (a NameServer, a master and its slave, each a process of its own).
 */
public class BrokerRoles {

    public static void main(String[] args) throws Exception {
        try (RocketMQCluster cluster = RocketMQCluster.forLesson(args, topology())) {
            Result r = run(cluster, "LessonBrokerRoles", "lesson-broker-roles", 20);
            System.out.printf("Done: the slave refused a write (%s) and, until slaveReadEnable, a pull (%s); with the master"
                + " gone a send failed, a consumer read %d of %d from the slave; the master back, sends work: %b.%n",
                r.slaveRefusal(), r.readRefusal(), r.readFromSlave(), r.sent(), r.sentAfterRestart());
        }
    }

    /** One broker group: a master and a slave. */
    public static RocketMQCluster.Topology topology() {
        return RocketMQCluster.topology().brokerGroup("broker-a", 1, RocketMQCluster.Replication.ASYNC);
    }

    public record Result(int sent, String slaveRefusal, String sendWithoutMaster, String readRefusal, int readFromSlave,
                         boolean sentAfterRestart) {
    }

    public static Result run(RocketMQCluster cluster, String topic, String group, int count) throws Exception {
        RocketMQ rocketmq = cluster.rocketMQ();
        RocketMQServer master = cluster.master("broker-a");
        RocketMQServer slave = cluster.slave("broker-a", 1);
        DefaultMQProducer producer = Clients.configure(new DefaultMQProducer(group + "-producer"), rocketmq);
        try (RocketMQAdmin admin = RocketMQAdmin.connect(rocketmq)) {
            admin.createTopicOn(List.of(master.address(), slave.address()), topic, TopicMessageType.NORMAL, 4);
            System.out.printf("1. broker-a: master (brokerId 0) %s, slave (brokerId 1) %s%n", master.address(), slave.address());

            // 2. Producers write to the master; the slave copies its commit log.
            producer.start();
            for (int i = 0; i < count; i++) {
                producer.send(new Message(topic, null, "m-" + i, ("roles " + i).getBytes(StandardCharsets.UTF_8)));
            }
            Wait.until(Duration.ofSeconds(30), "the slave to copy them", () -> admin.slavesCaughtUp(master.address()));
            System.out.printf("2. %d sent, all to the master; the slave has copied them%n", count);

            // 3. What a producer never does (the NameServer gives it masters only): write to the slave.
            String refusal = writeTo(producer, slave.address(), topic);
            System.out.println("3. A write sent straight to the slave: " + refusal);

            // 4. The master dies: nowhere to write, but the slave serves reads.
            master.kill();
            String withoutMaster;
            try {
                producer.send(new Message(topic, "while the master is down".getBytes(StandardCharsets.UTF_8)));
                withoutMaster = "SEND_OK";
            } catch (Exception e) {
                withoutMaster = e.getClass().getSimpleName() + ": " + e.getMessage().lines().findFirst().orElse("");
            }
            System.out.println("4. Master killed; a send: " + withoutMaster);
            // 5. A slave serves reads only with slaveReadEnable=true (default false): it refuses
            //    every pull otherwise, as a busy broker would. Switched on at run time (mqadmin
            //    updateBrokerConfig -b <slave> -k slaveReadEnable -v true), it serves them.
            String readRefusal = pullFrom(rocketmq, topic, group + "-probe");
            System.out.println("5. A pull from the slave (slaveReadEnable=false): " + readRefusal);
            Properties readable = new Properties();
            readable.setProperty("slaveReadEnable", "true");
            admin.api().updateBrokerConfig(slave.address(), readable);
            Set<String> read = ConcurrentHashMap.newKeySet();
            DefaultMQPushConsumer consumer = Clients.configure(new DefaultMQPushConsumer(group), rocketmq);
            consumer.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
            consumer.subscribe(topic, "*");
            consumer.registerMessageListener((MessageListenerConcurrently) (msgs, ctx) -> {
                msgs.forEach(m -> read.add(m.getKeys()));
                return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
            });
            consumer.start();
            try {
                Wait.until(Duration.ofSeconds(30), "the messages from the slave", () -> read.size() >= count);
            } finally {
                consumer.shutdown();
            }
            System.out.printf("   slaveReadEnable=true: a consumer read %d of %d from the slave%n", read.size(), count);

            // 6. The master back on its store: writes go on.
            master.restart();
            boolean sentAgain = Wait.until(Duration.ofSeconds(30), "a send to succeed", () -> {
                try {
                    producer.send(new Message(topic, "master back".getBytes(StandardCharsets.UTF_8)));
                    return true;
                } catch (Exception notYet) {
                    return false; // the producer learns the route again within a few seconds
                }
            });
            System.out.println("6. Master restarted; a send succeeded: " + sentAgain);
            return new Result(count, refusal, withoutMaster, readRefusal, read.size(), sentAgain);
        } finally {
            producer.shutdown();
        }
    }

    /**
     * One pull of queue 0 from the beginning, and the broker's answer. The pull consumer (deprecated
     * for applications) asks exactly once and shows what came back; a push consumer would retry.
     */
    @SuppressWarnings("deprecation")
    private static String pullFrom(RocketMQ rocketmq, String topic, String group) throws Exception {
        org.apache.rocketmq.client.consumer.DefaultMQPullConsumer pull =
            Clients.configure(new org.apache.rocketmq.client.consumer.DefaultMQPullConsumer(group), rocketmq);
        pull.start();
        try {
            return "served, " + pull.pull(new org.apache.rocketmq.common.message.MessageQueue(topic, "broker-a", 0), "*", 0, 32)
                .getPullStatus();
        } catch (MQBrokerException e) {
            return "refused, code " + e.getResponseCode() + ": " + e.getErrorMessage();
        } finally {
            pull.shutdown();
        }
    }

    /** One message sent to the broker at {@code address} itself, by the client's own send call, bypassing the route. */
    private static String writeTo(DefaultMQProducer producer, String address, String topic) throws Exception {
        Message msg = new Message(topic, "to the slave".getBytes(StandardCharsets.UTF_8));
        SendMessageRequestHeader header = new SendMessageRequestHeader();
        header.setProducerGroup(producer.getProducerGroup());
        header.setTopic(topic);
        header.setDefaultTopic("TBW102");
        header.setDefaultTopicQueueNums(4);
        header.setQueueId(0);
        header.setSysFlag(0);
        header.setBornTimestamp(System.currentTimeMillis());
        header.setFlag(0);
        header.setProperties(MessageDecoder.messageProperties2String(msg.getProperties()));
        header.setReconsumeTimes(0);
        try {
            producer.getDefaultMQProducerImpl().getMqClientFactory().getMQClientAPIImpl().sendMessage(address, "broker-a", msg,
                header, 3000, CommunicationMode.SYNC, null, producer.getDefaultMQProducerImpl());
            return "accepted";
        } catch (MQBrokerException e) {
            return "refused, code " + e.getResponseCode() + ": " + e.getErrorMessage();
        }
    }
}
