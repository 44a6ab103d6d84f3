package learn.rocketmq.projects.distributedsystem;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import learn.rocketmq.clients.Clients;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.StackProfile;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.common.message.MessageExt;

/**
 * What every service of the shop is made of, so that each service class is only its business:
 * <ul>
 *   <li><b>its own database</b> (H2, a file of its own: no other service reads it);</li>
 *   <li><b>an inbox</b>: the id of every event it handled, inserted in the same transaction as
 *   what the event changed, so a redelivered event (at-least-once) changes nothing twice;</li>
 *   <li><b>an outbox</b>: the events it publishes are rows written in that same transaction, and
 *   a relay thread sends them and marks them sent. State change, "handled" and "to publish"
 *   commit together or not at all: a crash anywhere loses no event and applies none twice (a
 *   crash between send and mark sends one again: the next service's inbox absorbs it);</li>
 *   <li><b>one consumer group</b> and a tag subscription, one thread (one event at a time);</li>
 *   <li><b>metrics</b> (Micrometer, Prometheus format) on {@code /metrics} of its HTTP port.</li>
 * </ul>
 * It runs until its standard input closes (a clean stop) or it is killed.
 */
final class ShopService implements AutoCloseable {

    /** What a service does with one event, inside its transaction: the events it publishes as a result. */
    interface Handler {
        List<ShopEvent> handle(Connection tx, ShopEvent event) throws Exception;
    }

    /** A message no retry can fix (a malformed request): to the dead-letter queue at once, not after 16 retries. */
    static final class Poison extends Exception {
        Poison(String why) {
            super(why);
        }
    }

    /** {@code --namesrv --topic --prefix --db --port} and the service's own options. */
    record Options(String nameServer, String topic, String prefix, Path dataDir, int port, Map<String, String> all) {
        static Options parse(String[] args) {
            Map<String, String> all = new LinkedHashMap<>();
            for (int i = 0; i + 1 < args.length; i += 2) {
                all.put(args[i], args[i + 1]);
            }
            for (String required : List.of("--namesrv", "--topic", "--prefix", "--data", "--port")) {
                if (!all.containsKey(required)) {
                    throw new IllegalArgumentException("missing " + required
                        + "; usage: --namesrv HOST:PORT --topic T --prefix P --data DIR --port N [service options]");
                }
            }
            return new Options(all.get("--namesrv"), all.get("--topic"), all.get("--prefix"), Path.of(all.get("--data")),
                Integer.parseInt(all.get("--port")), all);
        }

        String option(String name) {
            String value = all.get(name);
            if (value == null) {
                throw new IllegalArgumentException("missing " + name);
            }
            return value;
        }
    }

    /**
     * The service's database. {@code WRITE_DELAY=0}: H2 writes a transaction at its commit; with its
     * default (500 ms) a killed process loses what it committed in its last half second, and the
     * inbox and outbox would lie.
     */
    static String jdbcUrl(Path dataDir, String service) {
        return "jdbc:h2:file:" + dataDir.resolve(service).toAbsolutePath() + ";WRITE_DELAY=0";
    }

    /** Where RocketMQ puts the messages a service's consumer group gave up on: {@code %DLQ%<group>}. */
    static String deadLetterTopic(String prefix, String service) {
        return org.apache.rocketmq.common.MixAll.getDLQTopic(prefix + "-" + service);
    }

    static final String SCHEMA = """
        CREATE TABLE IF NOT EXISTS inbox (event_id VARCHAR(100) PRIMARY KEY, duplicates INT DEFAULT 0 NOT NULL);
        CREATE TABLE IF NOT EXISTS outbox (id BIGINT AUTO_INCREMENT PRIMARY KEY, event_id VARCHAR(100) UNIQUE NOT NULL,
          type VARCHAR(40) NOT NULL, order_id VARCHAR(40) NOT NULL, fields VARCHAR(1000) NOT NULL, published BOOLEAN DEFAULT FALSE NOT NULL);
        """;

    /** What a service prints when handling an event failed (the checker counts it). */
    static final String HANDLING_FAILED = "handling failed";

    final String name;
    final Options options;
    final PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final String jdbcUrl;
    private final RocketMQ rocketmq;
    private final Connection keepOpen;
    private final HttpServer http;
    private final DefaultMQProducer producer;
    private final Thread relay;
    private final Semaphore relayWakeUp = new Semaphore(0);
    private volatile boolean running = true;
    private DefaultMQPushConsumer consumer;
    private final Counter duplicates;

    ShopService(String name, Options options, String schema) throws Exception {
        this.name = name;
        this.options = options;
        this.jdbcUrl = jdbcUrl(options.dataDir(), name);
        this.keepOpen = DriverManager.getConnection(jdbcUrl);
        keepOpen.createStatement().execute(SCHEMA + schema);
        metrics.config().commonTags("service", name);
        duplicates = Counter.builder("shop.events.duplicates").description("events delivered again and absorbed by the inbox")
            .register(metrics);
        Gauge.builder("shop.outbox.pending", this, s -> s.count("outbox WHERE NOT published"))
            .description("events written and not yet published").register(metrics);
        RocketMQ rocketmq = new RocketMQ(options.nameServer(), null, "the shop's RocketMQ", StackProfile.DEFAULTS);
        producer = Clients.configure(new DefaultMQProducer(options.prefix() + "-" + name + "-relay"), rocketmq);
        producer.setSendMsgTimeout(5000);
        producer.start();
        relay = new Thread(this::relayLoop, name + "-outbox-relay");
        http = HttpServer.create(new InetSocketAddress("127.0.0.1", options.port()), 0);
        route("/metrics", exchange -> respond(exchange, 200, metrics.scrape()));
        this.rocketmq = rocketmq;
    }

    Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl);
    }

    /** An HTTP endpoint of a service. */
    interface Route {
        void handle(HttpExchange exchange) throws Exception;
    }

    void route(String path, Route handler) {
        http.createContext(path, exchange -> {
            try {
                handler.handle(exchange);
            } catch (Exception e) {
                respond(exchange, 500, e.toString());
            }
        });
    }

    static void respond(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            exchange.getResponseBody().write(bytes);
        }
        exchange.close();
    }

    /** Consumes {@code topic} (tags {@code tags}) in the service's group, each event through {@code handler}. */
    DefaultMQPushConsumer consume(String topic, String tags, Handler handler) throws Exception {
        consumer = Clients.configure(new DefaultMQPushConsumer(options.prefix() + "-" + name), rocketmq);
        consumer.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
        consumer.setConsumeThreadMin(1);
        consumer.setConsumeThreadMax(1);
        consumer.setConsumeMessageBatchMaxSize(1);
        consumer.subscribe(topic, tags);
        consumer.registerMessageListener((MessageListenerConcurrently) (messages, context) -> {
            MessageExt m = messages.get(0);
            ShopEvent event = ShopEvent.from(m);
            try {
                handle(event, handler);
                return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
            } catch (Poison p) {
                System.out.printf("[%s] %s: %s: to the dead-letter queue%n", name, event.eventId(), p.getMessage());
                context.setDelayLevelWhenNextConsume(-1); // -1: no retries, straight to %DLQ%<group>
                return ConsumeConcurrentlyStatus.RECONSUME_LATER;
            } catch (Exception e) {
                System.out.printf("[%s] %s " + HANDLING_FAILED + " (%s): redelivered later (attempt %d)%n", name, event.eventId(), e,
                    m.getReconsumeTimes() + 1);
                return ConsumeConcurrentlyStatus.RECONSUME_LATER;
            }
        });
        return consumer;
    }

    /** Inbox, state change, outbox: one transaction. A duplicate only counts itself. */
    void handle(ShopEvent event, Handler handler) throws Exception {
        try (Connection tx = connect()) {
            tx.setAutoCommit(false);
            try (PreparedStatement inbox = tx.prepareStatement("INSERT INTO inbox (event_id) VALUES (?)")) {
                inbox.setString(1, event.eventId());
                inbox.executeUpdate();
            } catch (SQLException e) {
                tx.rollback();
                if (!"23505".equals(e.getSQLState())) { // not a unique key violation: a real failure
                    throw e;
                }
                try (PreparedStatement seen = tx.prepareStatement("UPDATE inbox SET duplicates = duplicates + 1 WHERE event_id = ?")) {
                    seen.setString(1, event.eventId());
                    seen.executeUpdate();
                    tx.commit();
                }
                duplicates.increment();
                System.out.printf("[%s] %s again: handled before, ignored%n", name, event.eventId());
                return;
            }
            try {
                List<ShopEvent> out = handler.handle(tx, event);
                for (ShopEvent e : out) {
                    write(tx, e);
                }
                tx.commit();
                Counter.builder("shop.events.handled").tag("type", event.type()).register(metrics).increment();
                System.out.printf("[%s] %s -> %s%n", name, event, out.stream().map(ShopEvent::type).toList());
            } catch (Exception e) {
                tx.rollback();
                throw e;
            }
        }
        relayWakeUp.release();
    }

    /** Puts an event in the outbox, in the caller's transaction. */
    static void write(Connection tx, ShopEvent e) throws SQLException {
        try (PreparedStatement outbox = tx.prepareStatement("INSERT INTO outbox (event_id, type, order_id, fields) VALUES (?, ?, ?, ?)")) {
            outbox.setString(1, e.eventId());
            outbox.setString(2, e.type());
            outbox.setString(3, e.orderId());
            outbox.setString(4, e.encodedFields());
            outbox.executeUpdate();
        }
    }

    /** After a transaction that wrote to the outbox outside {@link #handle}: publish now rather than at the next pass. */
    void published() {
        relayWakeUp.release();
    }

    /**
     * The relay: sends unpublished outbox rows in order and marks each once the broker stored it.
     * While the broker is unreachable a send fails; the row stays and the next pass (every 200 ms,
     * or at once after a commit) tries again: events wait in the database, not in memory.
     */
    private void relayLoop() {
        Counter published = Counter.builder("shop.events.published").register(metrics);
        String failing = null;
        while (running) {
            try (Connection db = connect();
                 ResultSet rows = db.createStatement().executeQuery(
                     "SELECT id, type, order_id, fields FROM outbox WHERE NOT published ORDER BY id LIMIT 100");
                 PreparedStatement mark = db.prepareStatement("UPDATE outbox SET published = TRUE WHERE id = ?")) {
                while (rows.next() && running) {
                    ShopEvent e = new ShopEvent(rows.getString("type"), rows.getString("order_id"), ShopEvent.decodeFields(rows.getString("fields")));
                    if (producer.send(e.toMessage(options.topic())).getSendStatus() != SendStatus.SEND_OK) {
                        break; // stored, but not as safely as asked: send again (a duplicate at worst)
                    }
                    mark.setLong(1, rows.getLong("id"));
                    mark.executeUpdate();
                    published.increment();
                }
                if (failing != null) {
                    System.out.printf("[%s] relay: publishing again%n", name);
                    failing = null;
                }
            } catch (Exception e) {
                if (failing == null) {
                    System.out.printf("[%s] relay: cannot publish (%s); the events wait in the outbox%n", name, e.getMessage());
                }
                failing = String.valueOf(e);
            }
            try {
                relayWakeUp.tryAcquire(200, TimeUnit.MILLISECONDS);
                relayWakeUp.drainPermits();
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    long count(String from) {
        try (Connection db = connect(); ResultSet rs = db.createStatement().executeQuery("SELECT COUNT(*) FROM " + from)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            return -1;
        }
    }

    /** Starts consuming, relaying and serving HTTP; prints {@code [name] ready}. */
    void start() throws Exception {
        relay.start();
        http.start();
        if (consumer != null) {
            consumer.start();
        }
        System.out.printf("[%s] ready: group %s, database %s, http://127.0.0.1:%d/metrics%n", name,
            consumer == null ? "-" : consumer.getConsumerGroup(), jdbcUrl, options.port());
    }

    /** Runs until standard input closes: how the parent stops a service cleanly. */
    void runUntilStdinCloses() throws IOException {
        while (System.in.read() >= 0) {
            // a clean stop comes as the end of standard input
        }
    }

    @Override
    public void close() throws Exception {
        running = false;
        if (consumer != null) {
            consumer.shutdown();
        }
        relay.interrupt();
        relay.join(10_000);
        producer.shutdown();
        http.stop(0);
        keepOpen.close();
        System.out.printf("[%s] stopped%n", name);
    }

    static List<String> column(Connection db, String query) throws SQLException {
        List<String> values = new ArrayList<>();
        try (ResultSet rs = db.createStatement().executeQuery(query)) {
            while (rs.next()) {
                values.add(rs.getString(1));
            }
        }
        return values;
    }
}
