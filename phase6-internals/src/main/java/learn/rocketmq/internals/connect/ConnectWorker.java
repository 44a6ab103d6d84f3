package learn.rocketmq.internals.connect;

import com.alibaba.fastjson2.JSON;
import com.alibaba.fastjson2.JSONArray;
import com.alibaba.fastjson2.JSONObject;
import io.openmessaging.KeyValue;
import io.openmessaging.connector.api.component.Transform;
import io.openmessaging.connector.api.component.connector.Connector;
import io.openmessaging.connector.api.component.connector.ConnectorContext;
import io.openmessaging.connector.api.component.task.Task;
import io.openmessaging.connector.api.component.task.sink.SinkConnector;
import io.openmessaging.connector.api.component.task.sink.SinkTask;
import io.openmessaging.connector.api.component.task.sink.SinkTaskContext;
import io.openmessaging.connector.api.component.task.source.SourceTask;
import io.openmessaging.connector.api.component.task.source.SourceTaskContext;
import io.openmessaging.connector.api.data.ConnectRecord;
import io.openmessaging.connector.api.data.RecordOffset;
import io.openmessaging.connector.api.data.RecordPartition;
import io.openmessaging.connector.api.data.SchemaAndValue;
import io.openmessaging.connector.api.errors.ConnectException;
import io.openmessaging.connector.api.storage.OffsetStorageReader;
import io.openmessaging.internal.DefaultKeyValue;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import learn.rocketmq.clients.Clients;
import learn.rocketmq.clients.TopicContents;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQAdmin;
import org.apache.rocketmq.client.consumer.DefaultLitePullConsumer;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.common.attribute.TopicMessageType;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.common.message.MessageQueue;

/**
 * <b>A stand-in for the RocketMQ Connect runtime, which is not published on Maven Central</b> (the
 * apache/rocketmq-connect worker is built from source). It hosts connectors written against the real
 * connector API ({@code io.openmessaging:openmessaging-connector} 0.1.4) and keeps the runtime's
 * contract, so the same connector classes would run in the real worker:
 * <ul>
 *   <li>a connector is started from a config, as {@code POST /connectors/{name}} does:
 *   {@code connector.class}, {@code max.tasks}, {@code connect.topicname} (a source's topic) or
 *   {@code connect.topicnames} (a sink's), {@code transforms} (Transform classes, comma-separated);
 *   the worker calls {@code validate}, {@code init}, {@code start}, {@code taskConfigs(max.tasks)}
 *   and starts one task per config on a thread of its own (the connector's config, then the task's own
 *   keys on top);</li>
 *   <li>source task: {@code poll()} → transforms (null drops a record) → convert → send → the record's
 *   position noted → {@code commit(record, metadata)}; every commit interval, and when the task stops,
 *   the positions are written to the topic {@value #POSITION_TOPIC} (one queue, so in order); a task
 *   starting again reads them back through its {@link OffsetStorageReader}. A position noted but not
 *   yet written is lost if the worker dies: those records are sent again (at-least-once);</li>
 *   <li>sink task: messages pulled by a consumer group of the connector ({@code connect-<name>}) →
 *   {@code put(records)}; every commit interval, and when the task stops, {@code preCommit(offsets)}
 *   (which calls {@code flush}) and then the offsets it returns are committed to the broker. What was
 *   put after the last commit is put again after a crash: a sink must be idempotent.</li>
 * </ul>
 * Unlike the real runtime it keeps sink offsets where any RocketMQ consumer keeps them (the group's
 * offsets on the broker, not {@code connector-offset-topic}), runs in one process, has no REST API,
 * no config or status topics, and does not spread tasks over several workers.
 */
public final class ConnectWorker implements AutoCloseable {

    /** Where the real runtime, and this worker, keep source positions. */
    public static final String POSITION_TOPIC = "connector-position-topic";

    private final RocketMQ rocketmq;
    private final Duration commitInterval;
    private final DefaultMQProducer producer;
    private final List<Runner> runners = new CopyOnWriteArrayList<>();
    private final List<Connector<?>> connectors = new CopyOnWriteArrayList<>();
    private final JsonRecordConverter converter = new JsonRecordConverter();

    /** A worker sending with a producer of its own, committing positions and offsets every {@code commitInterval}. */
    public ConnectWorker(RocketMQ rocketmq, String workerId, Duration commitInterval) throws Exception {
        this.rocketmq = rocketmq;
        this.commitInterval = commitInterval;
        try (RocketMQAdmin admin = RocketMQAdmin.connect(rocketmq)) {
            admin.createTopic(POSITION_TOPIC, TopicMessageType.NORMAL, 1);
        }
        producer = Clients.configure(new DefaultMQProducer(workerId + "-producer"), rocketmq);
        producer.setInstanceName(workerId);
        producer.start();
    }

    /** A config as a connector gets it: the REST API's JSON object, here a map. */
    public static KeyValue config(Map<String, String> entries) {
        KeyValue config = new DefaultKeyValue();
        entries.forEach(config::put);
        return config;
    }

    /** Starts connector {@code name} and its tasks; a config the connector refuses throws its {@link ConnectException}. */
    public List<KeyValue> start(String name, KeyValue config) throws Exception {
        Connector<?> connector = (Connector<?>) Class.forName(config.getString("connector.class")).getDeclaredConstructor().newInstance();
        connector.validate(config);
        connector.init(new ConnectorContext() {
            @Override
            public void requestTaskReconfiguration() {
                System.out.printf("[worker] %s asked to reconfigure its tasks (not supported by this worker)%n", name);
            }

            @Override
            public void raiseError(Exception e) {
                System.out.printf("[worker] %s raised an error: %s%n", name, e);
            }
        });
        connector.start(config);
        connectors.add(connector);
        List<KeyValue> taskConfigs = connector.taskConfigs(config.getInt("max.tasks", 1));
        System.out.printf("[worker] %s (%s) started: %d task(s), configs %s%n", name, connector.getClass().getSimpleName(),
            taskConfigs.size(), taskConfigs.stream().map(ConnectWorker::show).toList());
        for (int i = 0; i < taskConfigs.size(); i++) {
            KeyValue taskConfig = new DefaultKeyValue();
            for (KeyValue source : List.of(config, taskConfigs.get(i))) {
                source.keySet().forEach(k -> taskConfig.put(k, source.getString(k)));
            }
            Task<?> task = connector.taskClass().getDeclaredConstructor().newInstance();
            Runner runner = connector instanceof SinkConnector
                ? new SinkRunner(name, name + "-" + i, (SinkTask) task, taskConfig)
                : new SourceRunner(name, name + "-" + i, (SourceTask) task, taskConfig, transforms(config));
            runners.add(runner);
            runner.thread.start();
        }
        return taskConfigs;
    }

    /** Records put into sink tasks, re-deliveries after a crash included; throws if a task has failed (no more will come). */
    public long recordsPut() {
        requireHealthy();
        return runners.stream().filter(r -> r instanceof SinkRunner).mapToLong(r -> ((SinkRunner) r).put.get()).sum();
    }

    /** Records sent by source tasks; throws if a task has failed (no more will come). */
    public long recordsSent() {
        requireHealthy();
        return runners.stream().filter(r -> r instanceof SourceRunner).mapToLong(r -> ((SourceRunner) r).sent.get()).sum();
    }

    /** The positions of {@code connector} as the position topic holds them: the last write of each partition wins. */
    public static Map<RecordPartition, RecordOffset> committedPositions(RocketMQ rocketmq, String connector) throws Exception {
        Map<RecordPartition, RecordOffset> positions = new HashMap<>();
        for (MessageExt m : TopicContents.readAll(rocketmq, POSITION_TOPIC)) {
            if (connector.equals(m.getKeys())) {
                JSONArray entries = JSON.parseArray(new String(m.getBody(), StandardCharsets.UTF_8));
                for (int i = 0; i < entries.size(); i++) {
                    JSONObject e = entries.getJSONObject(i);
                    positions.put(new RecordPartition(e.getJSONObject("partition")), new RecordOffset(e.getJSONObject("offset")));
                }
            }
        }
        return positions;
    }

    /** Stops every task (a source writes its positions, a sink flushes and commits), then the connectors. */
    @Override
    public void close() throws Exception {
        runners.forEach(r -> r.running = false);
        for (Runner r : runners) {
            r.thread.join(Duration.ofSeconds(30).toMillis());
        }
        connectors.forEach(Connector::stop);
        producer.shutdown();
        List<Throwable> failures = runners.stream().map(r -> r.failure).filter(f -> f != null).toList();
        if (!failures.isEmpty()) {
            throw new IllegalStateException("a task failed: " + failures.get(0), failures.get(0));
        }
    }

    private void requireHealthy() {
        runners.stream().filter(r -> r.failure != null).findFirst().ifPresent(r -> {
            throw new IllegalStateException("task " + r.taskName + " failed: " + r.failure.getMessage(), r.failure);
        });
    }

    private List<Transform<ConnectRecord>> transforms(KeyValue config) throws Exception {
        List<Transform<ConnectRecord>> chain = new ArrayList<>();
        for (String name : config.getString("transforms", "").split(",")) {
            if (!name.isBlank()) {
                @SuppressWarnings("unchecked")
                Transform<ConnectRecord> t = (Transform<ConnectRecord>) Class.forName(name.trim()).getDeclaredConstructor().newInstance();
                t.validate(config);
                t.start(config);
                chain.add(t);
            }
        }
        return chain;
    }

    private static String show(KeyValue config) {
        return config.keySet().stream().sorted().map(k -> k + "=" + config.getString(k)).collect(Collectors.joining(", ", "{", "}"));
    }

    /** One task on its thread. */
    private abstract class Runner implements Runnable {
        final String connector;
        final String taskName;
        final KeyValue config;
        final Thread thread;
        volatile boolean running = true;
        volatile Throwable failure;
        long lastCommit = System.nanoTime();

        Runner(String connector, String taskName, KeyValue config) {
            this.connector = connector;
            this.taskName = taskName;
            this.config = config;
            this.thread = new Thread(this, "connect-" + taskName);
        }

        boolean commitDue() {
            return System.nanoTime() - lastCommit >= commitInterval.toNanos();
        }

        @Override
        public void run() {
            try {
                work();
            } catch (Throwable e) {
                failure = e;
                System.out.printf("[worker] task %s failed: %s%n", taskName, e);
            }
        }

        abstract void work() throws Exception;
    }

    private final class SourceRunner extends Runner {
        final SourceTask task;
        final List<Transform<ConnectRecord>> transforms;
        final Map<RecordPartition, RecordOffset> positions = new ConcurrentHashMap<>();
        final AtomicLong sent = new AtomicLong();

        SourceRunner(String connector, String taskName, SourceTask task, KeyValue config, List<Transform<ConnectRecord>> transforms) {
            super(connector, taskName, config);
            this.task = task;
            this.transforms = transforms;
        }

        @Override
        void work() throws Exception {
            Map<RecordPartition, RecordOffset> committed = committedPositions(rocketmq, connector);
            positions.putAll(committed);
            task.init(new SourceTaskContext() {
                @Override
                public OffsetStorageReader offsetStorageReader() {
                    return new OffsetStorageReader() {
                        @Override
                        public RecordOffset readOffset(RecordPartition partition) {
                            return committed.get(partition);
                        }

                        @Override
                        public Map<RecordPartition, RecordOffset> readOffsets(Collection<RecordPartition> partitions) {
                            Map<RecordPartition, RecordOffset> found = new HashMap<>();
                            partitions.stream().filter(committed::containsKey).forEach(p -> found.put(p, committed.get(p)));
                            return found;
                        }
                    };
                }

                @Override
                public String getConnectorName() {
                    return connector;
                }

                @Override
                public String getTaskName() {
                    return taskName;
                }

                @Override
                public KeyValue configs() {
                    return config;
                }
            });
            task.start(config);
            String topic = config.getString("connect.topicname");
            while (running) {
                List<ConnectRecord> records = task.poll();
                for (ConnectRecord record : records == null ? List.<ConnectRecord>of() : records) {
                    ConnectRecord out = record;
                    for (Transform<ConnectRecord> t : transforms) {
                        out = out == null ? null : t.doTransform(out);
                    }
                    if (out != null) {
                        Message message = new Message(topic, converter.fromConnectData(topic, out.getSchema(), out.getData()));
                        if (out.getKey() != null) {
                            message.setKeys(out.getKey().toString());
                        }
                        KeyValue extensions = out.getExtensions();
                        if (extensions != null) {
                            extensions.keySet().forEach(k -> message.putUserProperty(k, extensions.getString(k)));
                        }
                        SendResult result = producer.send(message);
                        sent.incrementAndGet();
                        task.commit(record, Map.of("msgId", result.getMsgId(), "queueId", String.valueOf(result.getMessageQueue().getQueueId()),
                            "queueOffset", String.valueOf(result.getQueueOffset())));
                    }
                    // Noted once sent (or dropped by a transform): written to the position topic at the next commit.
                    positions.put(record.getPosition().getPartition(), record.getPosition().getOffset());
                }
                if (commitDue()) {
                    commitPositions();
                }
            }
            task.stop();
            commitPositions();
        }

        void commitPositions() throws Exception {
            lastCommit = System.nanoTime();
            if (positions.isEmpty()) {
                return;
            }
            JSONArray entries = new JSONArray();
            positions.forEach((p, o) -> entries.add(JSONObject.of("partition", p.getPartition(), "offset", o.getOffset())));
            Message message = new Message(POSITION_TOPIC, entries.toJSONString().getBytes(StandardCharsets.UTF_8));
            message.setKeys(connector);
            producer.send(message);
        }
    }

    private final class SinkRunner extends Runner {
        final SinkTask task;
        final Map<MessageQueue, Long> current = new ConcurrentHashMap<>();
        final AtomicLong put = new AtomicLong();
        DefaultLitePullConsumer consumer;

        SinkRunner(String connector, String taskName, SinkTask task, KeyValue config) {
            super(connector, taskName, config);
            this.task = task;
        }

        @Override
        void work() throws Exception {
            consumer = Clients.configure(new DefaultLitePullConsumer("connect-" + connector), rocketmq);
            consumer.setInstanceName(taskName + "-" + System.nanoTime());
            consumer.setAutoCommit(false);
            // A new group starts at each queue's first message: nothing sent before the sink started is skipped.
            consumer.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
            for (String topic : config.getString("connect.topicnames").split(",")) {
                consumer.subscribe(topic.trim(), "*");
            }
            consumer.start();
            task.init(new SinkTaskContext() {
                @Override
                public String getConnectorName() {
                    return connector;
                }

                @Override
                public String getTaskName() {
                    return taskName;
                }

                @Override
                public KeyValue configs() {
                    return config;
                }

                @Override
                public void resetOffset(RecordPartition partition, RecordOffset offset) {
                    try {
                        consumer.seek(queueOf(partition), ((Number) offset.getOffset().get("queueOffset")).longValue());
                    } catch (Exception e) {
                        throw new ConnectException(e);
                    }
                }

                @Override
                public void resetOffset(Map<RecordPartition, RecordOffset> offsets) {
                    offsets.forEach(this::resetOffset);
                }

                @Override
                public void pause(List<RecordPartition> partitions) {
                    consumer.pause(partitions.stream().map(SinkRunner::queueOf).toList());
                }

                @Override
                public void resume(List<RecordPartition> partitions) {
                    consumer.resume(partitions.stream().map(SinkRunner::queueOf).toList());
                }

                @Override
                public Set<RecordPartition> assignment() {
                    return current.keySet().stream().map(SinkRunner::partitionOf).collect(Collectors.toSet());
                }
            });
            task.start(config);
            try {
                while (running) {
                    List<ConnectRecord> records = new ArrayList<>();
                    for (MessageExt m : consumer.poll(200)) {
                        SchemaAndValue value = converter.toConnectData(m.getTopic(), m.getBody());
                        MessageQueue queue = new MessageQueue(m.getTopic(), m.getBrokerName(), m.getQueueId());
                        ConnectRecord record = new ConnectRecord(partitionOf(queue), new RecordOffset(Map.of("queueOffset", m.getQueueOffset())),
                            m.getStoreTimestamp(), value.schema(), value.value());
                        record.setKey(m.getKeys());
                        m.getProperties().forEach(record::addExtension);
                        records.add(record);
                        current.put(queue, m.getQueueOffset() + 1);
                    }
                    if (!records.isEmpty()) {
                        task.put(records);
                        put.addAndGet(records.size());
                    }
                    if (commitDue()) {
                        commitOffsets();
                    }
                }
                commitOffsets();
                task.stop();
            } finally {
                consumer.shutdown();
            }
        }

        /** preCommit (flush) first: only what the sink has made durable is committed. */
        void commitOffsets() {
            lastCommit = System.nanoTime();
            if (current.isEmpty()) {
                return;
            }
            Map<RecordPartition, RecordOffset> offsets = new HashMap<>();
            current.forEach((q, next) -> offsets.put(partitionOf(q), new RecordOffset(Map.of("queueOffset", next))));
            Map<MessageQueue, Long> toCommit = new HashMap<>();
            task.preCommit(offsets).forEach((p, o) -> toCommit.put(queueOf(p), ((Number) o.getOffset().get("queueOffset")).longValue()));
            consumer.commitSync(toCommit, true);
        }

        static RecordPartition partitionOf(MessageQueue q) {
            return new RecordPartition(Map.of("topic", q.getTopic(), "brokerName", q.getBrokerName(), "queueId", q.getQueueId()));
        }

        static MessageQueue queueOf(RecordPartition p) {
            Map<String, ?> m = p.getPartition();
            return new MessageQueue((String) m.get("topic"), (String) m.get("brokerName"), ((Number) m.get("queueId")).intValue());
        }
    }
}
