package learn.rocketmq.stack;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.rocketmq.client.exception.MQClientException;
import org.apache.rocketmq.common.MixAll;
import org.apache.rocketmq.common.TopicConfig;
import org.apache.rocketmq.common.attribute.TopicMessageType;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.remoting.protocol.body.ClusterInfo;
import org.apache.rocketmq.remoting.protocol.route.BrokerData;
import org.apache.rocketmq.remoting.protocol.subscription.SubscriptionGroupConfig;
import org.apache.rocketmq.tools.admin.DefaultMQAdminExt;

/**
 * Creating topics and consumer groups up front, the way production does it (the brokers here do
 * not auto-create topics). Uses RocketMQ's admin API, {@link DefaultMQAdminExt}: the same calls
 * {@code mqadmin updateTopic} and {@code mqadmin updateSubGroup} make.
 *
 * <p>5.x clients need a <em>typed</em> topic: the attribute {@code +message.type} is
 * {@code NORMAL}, {@code FIFO}, {@code DELAY} or {@code TRANSACTION}, and the proxy rejects a message
 * of another type. Classic clients do not check it.
 */
public final class RocketMQAdmin implements AutoCloseable {

    private final DefaultMQAdminExt admin;

    private RocketMQAdmin(DefaultMQAdminExt admin) {
        this.admin = admin;
    }

    /** Connects to the NameServer of {@code rocketMQ}. Close it when done. */
    public static RocketMQAdmin connect(RocketMQ rocketMQ) {
        return connect(rocketMQ, null);
    }

    /**
     * Connects with {@code credentials} on every request (ACL 2.0: an {@code AclClientRPCHook} of
     * an admin user), for brokers with {@code authenticationEnabled}. Close it when done.
     */
    public static RocketMQAdmin connect(RocketMQ rocketMQ, org.apache.rocketmq.remoting.RPCHook credentials) {
        DefaultMQAdminExt admin = credentials == null ? new DefaultMQAdminExt(5000) : new DefaultMQAdminExt(credentials, 5000);
        admin.setNamesrvAddr(rocketMQ.nameServer());
        admin.setInstanceName("admin-" + UUID.randomUUID());
        try {
            admin.start();
        } catch (MQClientException e) {
            throw new IllegalStateException(Hints.explain(e), e);
        }
        return new RocketMQAdmin(admin);
    }

    /** A topic of the given type with 4 queues on every master of every cluster. */
    public void createTopic(String topic, TopicMessageType type) {
        createTopic(topic, type, 4);
    }

    /**
     * A topic with {@code queues} read and write queues on every master broker, then waits until
     * the NameServer routes it (producers ask the NameServer, not the broker, where a topic lives).
     */
    public void createTopic(String topic, TopicMessageType type, int queues) {
        List<String> addresses;
        try {
            addresses = masters().values().stream().map(b -> b.getBrokerAddrs().get(MixAll.MASTER_ID)).toList();
        } catch (Exception e) {
            throw new IllegalStateException("could not create topic " + topic + ": " + Hints.explain(e), e);
        }
        createTopicOn(addresses, topic, type, queues);
    }

    /**
     * The same on the given brokers only ({@code host:port}): one broker of a cluster, or a slave
     * too, which a controller may make the master. Waits until the NameServer routes it.
     */
    public void createTopicOn(List<String> brokerAddresses, String topic, TopicMessageType type, int queues) {
        TopicConfig config = new TopicConfig(topic, queues, queues);
        Map<String, String> attributes = new HashMap<>();
        attributes.put("+message.type", type.getValue());
        config.setAttributes(attributes);
        try {
            for (String broker : brokerAddresses) {
                admin.createAndUpdateTopicConfig(broker, config);
            }
            awaitRoute(topic);
        } catch (Exception e) {
            throw new IllegalStateException("could not create topic " + topic + ": " + Hints.explain(e), e);
        }
    }

    /**
     * Whether the master at {@code masterAddress} has a slave connected and every connected slave
     * has copied all it holds (its HA status, as {@code mqadmin haStatus} shows it).
     */
    public boolean slavesCaughtUp(String masterAddress) {
        try {
            var connections = admin.getBrokerHAStatus(masterAddress).getHaConnectionInfo();
            return !connections.isEmpty() && connections.stream().allMatch(c -> c.getDiff() == 0);
        } catch (Exception e) {
            throw new IllegalStateException("could not read the HA status of " + masterAddress + ": " + Hints.explain(e), e);
        }
    }

    /** A consumer group for concurrent consumption (created on every master). */
    public void createConsumerGroup(String group) {
        createConsumerGroup(group, false);
    }

    /**
     * A consumer group; {@code orderly=true} for FIFO consumption with the 5.x client (the proxy
     * then delivers one message group's messages one at a time, in order).
     */
    public void createConsumerGroup(String group, boolean orderly) {
        SubscriptionGroupConfig config = new SubscriptionGroupConfig();
        config.setGroupName(group);
        config.setConsumeMessageOrderly(orderly);
        try {
            for (BrokerData broker : masters().values()) {
                admin.createAndUpdateSubscriptionGroupConfig(broker.getBrokerAddrs().get(MixAll.MASTER_ID), config);
            }
        } catch (Exception e) {
            throw new IllegalStateException("could not create consumer group " + group + ": " + Hints.explain(e), e);
        }
    }

    /**
     * How many messages the topic holds: the sum over its queues of (max offset - min offset), on
     * every master. 0 when no broker has it (yet).
     */
    public long storedMessages(String topic) {
        return storedMessagesPerBroker(topic).values().stream().mapToLong(Long::longValue).sum();
    }

    /**
     * How many messages each master broker holds for the topic, by broker name; brokers without it
     * are left out. Each broker is asked directly: a topic a broker created itself (a %RETRY% or
     * %DLQ% topic) reaches the NameServer's routes only later.
     */
    public Map<String, Long> storedMessagesPerBroker(String topic) {
        Map<String, Long> stored = new TreeMap<>();
        try {
            for (Map.Entry<String, BrokerData> broker : masters().entrySet()) {
                try {
                    stored.put(broker.getKey(), admin.examineTopicStats(broker.getValue().getBrokerAddrs().get(MixAll.MASTER_ID), topic)
                        .getOffsetTable().values().stream().mapToLong(o -> o.getMaxOffset() - o.getMinOffset()).sum());
                } catch (Exception notThere) {
                    // the topic does not exist on this broker (yet)
                }
            }
        } catch (Exception e) {
            throw new IllegalStateException("could not read the offsets of " + topic + ": " + Hints.explain(e), e);
        }
        return stored;
    }

    /**
     * The messages of {@code topic} whose keys include {@code key}, stored since {@code sinceMillis},
     * found through the broker's index ({@code mqadmin queryMsgByKey}, at most 32). The index is
     * written asynchronously after the store, so this asks again (for up to 10 s) until
     * {@code expected} messages are found, and then returns what it found.
     */
    public List<MessageExt> queryByKey(String topic, String key, int expected, long sinceMillis) throws Exception {
        List<MessageExt> found = new ArrayList<>();
        Wait.until(Duration.ofSeconds(10), "the index to find " + expected + " message(s) with key " + key, () -> {
            try {
                found.clear();
                found.addAll(admin.queryMessage(topic, key, 32, sinceMillis, System.currentTimeMillis() + 60_000).getMessageList());
            } catch (MQClientException notYetIndexed) {
                // "query message by key finished, but no message": not indexed yet
            }
            return found.size() >= expected;
        });
        return found;
    }

    /** The whole admin API, for lessons that teach it. */
    public DefaultMQAdminExt api() {
        return admin;
    }

    /** A broker group's brokers by id, as the NameServer routes them (0: the master); empty while none is registered. */
    public Map<Long, String> brokerIds(String brokerName) throws Exception {
        BrokerData data = admin.examineBrokerClusterInfo().getBrokerAddrTable().get(brokerName);
        return data == null ? Map.of() : Map.copyOf(data.getBrokerAddrs());
    }

    /**
     * The addresses in a broker group's sync state set, as a controller has it ({@code mqadmin
     * getSyncStateSet}): the replicas that have caught up, the master included; empty when it has none.
     */
    public java.util.Set<String> syncStateSet(String controller, String brokerName) throws Exception {
        var info = admin.getInSyncStateData(controller, List.of(brokerName)).getReplicasInfoTable().get(brokerName);
        java.util.Set<String> addresses = new java.util.HashSet<>();
        if (info != null) {
            info.getInSyncReplicas().forEach(r -> addresses.add(r.getBrokerAddress()));
        }
        return addresses;
    }

    private Map<String, BrokerData> masters() throws Exception {
        ClusterInfo cluster = admin.examineBrokerClusterInfo();
        Map<String, BrokerData> masters = new HashMap<>();
        cluster.getBrokerAddrTable().forEach((name, data) -> {
            if (data.getBrokerAddrs().containsKey(MixAll.MASTER_ID)) {
                masters.put(name, data);
            }
        });
        if (masters.isEmpty()) {
            throw new IllegalStateException("no master broker is registered with the NameServer");
        }
        return masters;
    }

    private void awaitRoute(String topic) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (true) {
            try {
                if (!admin.examineTopicRouteInfo(topic).getQueueDatas().isEmpty()) {
                    return;
                }
            } catch (Exception e) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the NameServer has no route for " + topic + " after 15 s", e);
                }
            }
            Thread.sleep(50);
        }
    }

    /**
     * Shuts the admin client down in the background. In 5.5.0 a client's shutdown waits for its
     * remoting event thread, which polls with a 3 s timeout and is not interrupted: about one
     * close in three took 3 s. Nothing depends on its end, so no lesson waits for it.
     */
    @Override
    public void close() {
        Thread closer = new Thread(admin::shutdown, "rocketmq-admin-close");
        closer.setDaemon(true);
        closer.start();
    }
}
