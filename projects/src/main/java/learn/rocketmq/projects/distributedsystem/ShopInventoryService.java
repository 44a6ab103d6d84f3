package learn.rocketmq.projects.distributedsystem;

import static learn.rocketmq.projects.distributedsystem.ShopEvent.ORDER_PLACED;
import static learn.rocketmq.projects.distributedsystem.ShopEvent.PAYMENT_DECLINED;
import static learn.rocketmq.projects.distributedsystem.ShopEvent.PAYMENT_FAILED;
import static learn.rocketmq.projects.distributedsystem.ShopEvent.STOCK_REJECTED;
import static learn.rocketmq.projects.distributedsystem.ShopEvent.STOCK_RELEASED;
import static learn.rocketmq.projects.distributedsystem.ShopEvent.STOCK_RESERVED;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

/**
 * The shop's inventory service: reserves stock for each placed order ({@code StockReserved}, or
 * {@code StockRejected} when there is not enough), and gives it back when the payment does not
 * happen ({@code PaymentDeclined}, {@code PaymentFailed}): the saga's compensation, {@code StockReleased}.
 * Roadmap: Project (advanced) 2: Distributed System: complete microservices architecture.
 * Run by {@code DistributedSystem}; alone: {@code ./lesson ShopInventoryService --namesrv HOST:PORT --topic T --prefix P --data DIR
 * --port N --stock book=10,lamp=1}.
 */
public class ShopInventoryService {

    static final String SCHEMA = """
        CREATE TABLE IF NOT EXISTS stock (sku VARCHAR(40) PRIMARY KEY, initial INT NOT NULL, available INT NOT NULL);
        CREATE TABLE IF NOT EXISTS reservations (order_id VARCHAR(40) PRIMARY KEY, sku VARCHAR(40) NOT NULL, qty INT NOT NULL,
          status VARCHAR(20) NOT NULL);
        """;
    static final String SUBSCRIPTION = String.join(" || ", ORDER_PLACED, PAYMENT_DECLINED, PAYMENT_FAILED);

    public static void main(String[] args) throws Exception {
        ShopService.Options options = ShopService.Options.parse(args);
        try (ShopService service = new ShopService("inventory", options, SCHEMA)) {
            try (Connection db = service.connect()) {
                stock(db, options.option("--stock"));
            }
            service.consume(options.topic(), SUBSCRIPTION, ShopInventoryService::handle);
            service.start();
            service.runUntilStdinCloses();
        }
    }

    /** The opening stock ({@code sku=qty,...}), once: a restarted service keeps what it has. */
    static void stock(Connection db, String stock) throws SQLException {
        for (String item : stock.split(",")) {
            String[] skuQty = item.split("=");
            try (PreparedStatement insert = db.prepareStatement(
                "INSERT INTO stock SELECT ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM stock WHERE sku = ?)")) {
                insert.setString(1, skuQty[0]);
                insert.setInt(2, Integer.parseInt(skuQty[1]));
                insert.setInt(3, Integer.parseInt(skuQty[1]));
                insert.setString(4, skuQty[0]);
                insert.executeUpdate();
            }
        }
    }

    static List<ShopEvent> handle(Connection tx, ShopEvent e) throws SQLException {
        return switch (e.type()) {
            case ORDER_PLACED -> reserve(tx, e);
            case PAYMENT_DECLINED, PAYMENT_FAILED -> release(tx, e);
            default -> throw new IllegalArgumentException("the inventory service does not handle " + e.type());
        };
    }

    private static List<ShopEvent> reserve(Connection tx, ShopEvent e) throws SQLException {
        int qty = Integer.parseInt(e.field("qty"));
        try (PreparedStatement take = tx.prepareStatement("UPDATE stock SET available = available - ? WHERE sku = ? AND available >= ?")) {
            take.setInt(1, qty);
            take.setString(2, e.field("sku"));
            take.setInt(3, qty);
            if (take.executeUpdate() == 0) {
                return List.of(e.next(STOCK_REJECTED, "reason", "out of stock: " + e.field("sku")));
            }
        }
        try (PreparedStatement reservation = tx.prepareStatement("INSERT INTO reservations VALUES (?, ?, ?, 'RESERVED')")) {
            reservation.setString(1, e.orderId());
            reservation.setString(2, e.field("sku"));
            reservation.setInt(3, qty);
            reservation.executeUpdate();
        }
        return List.of(e.next(STOCK_RESERVED));
    }

    /** The compensation: the reservation's stock back, once. */
    private static List<ShopEvent> release(Connection tx, ShopEvent e) throws SQLException {
        String sku;
        int qty;
        try (PreparedStatement find = tx.prepareStatement("SELECT sku, qty FROM reservations WHERE order_id = ? AND status = 'RESERVED'")) {
            find.setString(1, e.orderId());
            try (ResultSet rs = find.executeQuery()) {
                if (!rs.next()) {
                    return List.of(); // nothing reserved (or released already)
                }
                sku = rs.getString(1);
                qty = rs.getInt(2);
            }
        }
        try (PreparedStatement released = tx.prepareStatement("UPDATE reservations SET status = 'RELEASED' WHERE order_id = ?");
             PreparedStatement back = tx.prepareStatement("UPDATE stock SET available = available + ? WHERE sku = ?")) {
            released.setString(1, e.orderId());
            released.executeUpdate();
            back.setInt(1, qty);
            back.setString(2, sku);
            back.executeUpdate();
        }
        return List.of(ShopEvent.of(STOCK_RELEASED, e.orderId(), "sku", sku, "qty", String.valueOf(qty)));
    }
}
