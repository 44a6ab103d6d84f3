package learn.rocketmq.projects.logaggregation;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Layout;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.common.message.Message;

/**
 * A Logback appender that ships every log event it gets to a RocketMQ topic: the formatted line
 * as the body (its {@code <layout>}), the level as the tag (so a consumer can subscribe to
 * {@code "ERROR || WARN"}), and service, level and logger as message properties. The key is the
 * event's id, {@code service/instance/sequence}, unique across restarts of the service, so an
 * aggregator can drop a redelivered copy.
 *
 * <p>It sends synchronously: put it behind Logback's {@code AsyncAppender} (see
 * {@code logback-shipping.xml}), whose worker thread waits for the broker instead of the
 * application's threads, and whose {@code stop()} drains its queue into this appender first.
 * Configured from the XML by its setters: {@code nameServer}, {@code topic}, {@code service}.
 */
public class RocketMQAppender extends UnsynchronizedAppenderBase<ILoggingEvent> {

    private String nameServer;
    private String topic;
    private String service;
    private Layout<ILoggingEvent> layout;
    private DefaultMQProducer producer;
    /** This run of the service: its process id and start time, so a restart gets new event ids. */
    private final String instance = ProcessHandle.current().pid() + "@" + ManagementFactory.getRuntimeMXBean().getStartTime();
    private final AtomicLong sequence = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();

    public void setNameServer(String nameServer) {
        this.nameServer = nameServer;
    }

    public void setTopic(String topic) {
        this.topic = topic;
    }

    public void setService(String service) {
        this.service = service;
    }

    public void setLayout(Layout<ILoggingEvent> layout) {
        this.layout = layout;
    }

    @Override
    public void start() {
        if (nameServer == null || nameServer.isBlank() || topic == null || service == null || layout == null) {
            error("RocketMQAppender needs <nameServer>, <topic>, <service> and a <layout>: not started, nothing is shipped");
            return;
        }
        producer = new DefaultMQProducer("log-shipper-" + service);
        producer.setNamesrvAddr(nameServer);
        producer.setSendMsgTimeout(5000);
        try {
            producer.start();
        } catch (Exception e) {
            error("RocketMQAppender could not start its producer for NameServer " + nameServer + ": " + e.getMessage());
            return;
        }
        try {
            producer.fetchPublishMessageQueues(topic); // the route now: a missing topic is said at start, once
        } catch (Exception e) {
            error("RocketMQAppender: no route to topic " + topic + " at NameServer " + nameServer
                + " (create it: mqadmin updateTopic -t " + topic + "); events fail until it exists");
        }
        super.start();
    }

    @Override
    protected void append(ILoggingEvent event) {
        String id = service + "/" + instance + "/" + sequence.incrementAndGet();
        Message message = new Message(topic, event.getLevel().toString(), id, layout.doLayout(event).getBytes(StandardCharsets.UTF_8));
        message.putUserProperty("service", service);
        message.putUserProperty("level", event.getLevel().toString());
        message.putUserProperty("logger", event.getLoggerName());
        boolean interrupted = false;
        for (int attempt = 1; attempt <= 2; attempt++) {
            try {
                SendResult result = producer.send(message); // the client retries twice on another broker by itself
                if (result.getSendStatus() != SendStatus.SEND_OK) {
                    addWarn("log event " + id + " stored but " + result.getSendStatus());
                }
                break;
            } catch (Exception e) {
                // Stopping the AsyncAppender in front interrupts its worker, maybe mid-send: the
                // client swallows the interrupt and fails the send ("No route info" for a first
                // event). So once more, uninterrupted; the interrupt is given back afterwards.
                interrupted |= Thread.interrupted();
                if (attempt == 2) {
                    failed.incrementAndGet();
                    error("RocketMQAppender: log event " + id + " not shipped to topic " + topic + ": " + e.getMessage());
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Logback's status (kept silently unless a status listener is configured) and standard error:
     * never the log itself, which would loop back into this appender.
     */
    private void error(String text) {
        addError(text);
        System.err.println(text);
    }

    /** Events this appender could not ship. */
    public long failed() {
        return failed.get();
    }

    @Override
    public void stop() {
        super.stop();
        if (producer != null) {
            producer.shutdown();
        }
    }
}
