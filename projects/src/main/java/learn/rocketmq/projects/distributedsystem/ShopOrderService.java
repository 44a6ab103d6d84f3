package learn.rocketmq.projects.distributedsystem;

import static learn.rocketmq.projects.distributedsystem.ShopEvent.ORDER_PLACED;
import static learn.rocketmq.projects.distributedsystem.ShopEvent.PAYMENT_COMPLETED;
import static learn.rocketmq.projects.distributedsystem.ShopEvent.PAYMENT_DECLINED;
import static learn.rocketmq.projects.distributedsystem.ShopEvent.PAYMENT_FAILED;
import static learn.rocketmq.projects.distributedsystem.ShopEvent.STOCK_REJECTED;

import com.sun.net.httpserver.HttpExchange;
import io.micrometer.core.instrument.Counter;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The shop's order service: takes orders over HTTP and follows each one through the saga. Placing
 * an order writes the order row and its {@code OrderPlaced} event (the outbox) in one transaction;
 * the events of the other services move the order on: {@code StockRejected} → REJECTED,
 * {@code PaymentCompleted} → CONFIRMED, {@code PaymentDeclined} or {@code PaymentFailed} →
 * CANCELLED. An order only moves on from PLACED, so an event that comes late or twice changes nothing.
 * Roadmap: Project (advanced) 2: Distributed System: complete microservices architecture.
 * Run by {@code DistributedSystem}; alone: {@code ./lesson ShopOrderService --namesrv HOST:PORT --topic T --prefix P --data DIR --port N}.
 *
 * <p>HTTP: {@code POST /orders?id=&sku=&qty=&amount=&card=} (201 placed; 200 if that id was placed
 * before: a client may send an order again after a timeout), {@code GET /orders} (one line per
 * order: id, status, reason), {@code GET /metrics}.
 */
public class ShopOrderService {

    static final String SCHEMA = """
        CREATE TABLE IF NOT EXISTS orders (id VARCHAR(40) PRIMARY KEY, sku VARCHAR(40) NOT NULL, qty INT NOT NULL,
          amount BIGINT NOT NULL, card VARCHAR(40) NOT NULL, status VARCHAR(20) NOT NULL, reason VARCHAR(200));
        """;
    static final String SUBSCRIPTION = String.join(" || ", STOCK_REJECTED, PAYMENT_COMPLETED, PAYMENT_DECLINED, PAYMENT_FAILED);

    public static void main(String[] args) throws Exception {
        ShopService.Options options = ShopService.Options.parse(args);
        try (ShopService service = new ShopService("order", options, SCHEMA)) {
            Counter placed = Counter.builder("shop.orders.placed").register(service.metrics);
            service.route("/orders", exchange -> {
                if ("POST".equals(exchange.getRequestMethod())) {
                    Map<String, String> q = query(exchange);
                    boolean isNew;
                    try (Connection tx = service.connect()) {
                        isNew = place(tx, q.get("id"), q.get("sku"), Integer.parseInt(q.get("qty")), Long.parseLong(q.get("amount")), q.get("card"));
                    }
                    if (isNew) {
                        placed.increment();
                        service.published();
                    }
                    ShopService.respond(exchange, isNew ? 201 : 200, isNew ? "placed" : "placed before");
                } else {
                    try (Connection db = service.connect()) {
                        ShopService.respond(exchange, 200, String.join("\n",
                            ShopService.column(db, "SELECT id || ' ' || status || ' ' || COALESCE(reason, '') FROM orders ORDER BY id")));
                    }
                }
            });
            service.consume(options.topic(), SUBSCRIPTION, ShopOrderService::handle);
            service.start();
            service.runUntilStdinCloses();
        }
    }

    /** The order and its OrderPlaced event, one transaction. False if that order id exists already. */
    static boolean place(Connection tx, String id, String sku, int qty, long amount, String card) throws SQLException {
        tx.setAutoCommit(false);
        try (PreparedStatement order = tx.prepareStatement("INSERT INTO orders VALUES (?, ?, ?, ?, ?, 'PLACED', NULL)")) {
            order.setString(1, id);
            order.setString(2, sku);
            order.setInt(3, qty);
            order.setLong(4, amount);
            order.setString(5, card);
            order.executeUpdate();
            ShopService.write(tx, ShopEvent.of(ORDER_PLACED, id, "sku", sku, "qty", String.valueOf(qty), "amount", String.valueOf(amount),
                "card", card));
            tx.commit();
            return true;
        } catch (SQLException e) {
            tx.rollback();
            if ("23505".equals(e.getSQLState())) {
                return false;
            }
            throw e;
        }
    }

    /** The saga's outcomes for an order. Publishes nothing: the order service is where the saga ends. */
    static List<ShopEvent> handle(Connection tx, ShopEvent e) throws SQLException {
        String status = switch (e.type()) {
            case STOCK_REJECTED -> "REJECTED";
            case PAYMENT_COMPLETED -> "CONFIRMED";
            case PAYMENT_DECLINED, PAYMENT_FAILED -> "CANCELLED";
            default -> throw new IllegalArgumentException("the order service does not handle " + e.type());
        };
        try (PreparedStatement update = tx.prepareStatement("UPDATE orders SET status = ?, reason = ? WHERE id = ? AND status = 'PLACED'")) {
            update.setString(1, status);
            update.setString(2, e.fields().getOrDefault("reason", ""));
            update.setString(3, e.orderId());
            update.executeUpdate();
        }
        return List.of();
    }

    private static Map<String, String> query(HttpExchange exchange) {
        Map<String, String> q = new LinkedHashMap<>();
        String raw = exchange.getRequestURI().getRawQuery();
        for (String pair : raw == null ? new String[0] : raw.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                q.put(pair.substring(0, eq), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return q;
    }
}
