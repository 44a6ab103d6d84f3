package learn.rocketmq.projects.distributedsystem;

import static learn.rocketmq.projects.distributedsystem.ShopEvent.PAYMENT_FAILED;

import io.micrometer.core.instrument.Gauge;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.List;

/**
 * The shop's dead-letter service: reads the payment service's dead-letter queue
 * ({@code %DLQ%<group>}, where RocketMQ puts a message its consumer gave up on), parks each
 * message for an operator (a table, and the metric the {@code ShopDeadLetters} alert watches) and
 * ends its order's saga: {@code PaymentFailed}, so the order is cancelled and its stock released
 * instead of held for ever. A dead letter nobody reads is a customer who never hears back.
 * Roadmap: Project (advanced) 2: Distributed System: complete microservices architecture.
 * Run by {@code DistributedSystem}; alone: {@code ./lesson ShopDeadLetterService --namesrv HOST:PORT --topic T --prefix P --data DIR --port N}.
 */
public class ShopDeadLetterService {

    static final String SCHEMA = """
        CREATE TABLE IF NOT EXISTS dead_letters (order_id VARCHAR(40) PRIMARY KEY, type VARCHAR(40) NOT NULL, fields VARCHAR(1000) NOT NULL,
          parked_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP NOT NULL);
        """;

    public static void main(String[] args) throws Exception {
        ShopService.Options options = ShopService.Options.parse(args);
        try (ShopService service = new ShopService("dead-letter", options, SCHEMA)) {
            Gauge.builder("shop.dead.letters.parked", service, s -> s.count("dead_letters"))
                .description("dead letters parked, waiting for an operator").register(service.metrics);
            service.route("/dead-letters", exchange -> {
                try (Connection db = service.connect()) {
                    ShopService.respond(exchange, 200, String.join("\n",
                        ShopService.column(db, "SELECT order_id || ' ' || type || ' ' || fields FROM dead_letters ORDER BY parked_at")));
                }
            });
            service.consume(ShopService.deadLetterTopic(options.prefix(), "payment"), "*", ShopDeadLetterService::handle);
            service.start();
            service.runUntilStdinCloses();
        }
    }

    static List<ShopEvent> handle(Connection tx, ShopEvent e) throws Exception {
        try (PreparedStatement park = tx.prepareStatement("INSERT INTO dead_letters (order_id, type, fields) VALUES (?, ?, ?)")) {
            park.setString(1, e.orderId());
            park.setString(2, e.type());
            park.setString(3, e.encodedFields());
            park.executeUpdate();
        }
        return List.of(ShopEvent.of(PAYMENT_FAILED, e.orderId(), "reason", "payment impossible (" + e.type() + " dead-lettered): parked for an operator"));
    }
}
