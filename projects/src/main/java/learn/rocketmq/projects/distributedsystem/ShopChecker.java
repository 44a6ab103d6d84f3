package learn.rocketmq.projects.distributedsystem;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Checks the shop's end state, after its services stopped, against what was asked of it: every
 * order the API accepted, the outcome each one should have, the gateway's own record of charges.
 * It reads each service's database (the ground truth, not what the services said) and reports
 * every broken invariant by order id; {@link Report#consistent()} is true when none is broken.
 */
final class ShopChecker {

    /**
     * @param accepted            orders the API accepted
     * @param statuses            status → orders in it, from the order service's database
     * @param lost                accepted, not in the order database
     * @param stuck               still PLACED: the saga never finished
     * @param wrongOutcome        order id → "status, expected X"
     * @param paymentMismatch     order id → what disagrees between CONFIRMED, the payment row and the gateway's charge
     * @param stockMismatch       SKU or order id → what disagrees between the stock, the reservations and the orders
     * @param outboxUnpublished   events written but never published, every service
     * @param duplicatesAbsorbed  redelivered events each service's inbox ignored, by service
     * @param handlingFailures    events whose handling failed (and were redelivered), by service, from their output: a
     *                            duplicate the inbox missed fails on the handler's unique keys and shows up here
     * @param gatewayRepeats      payment requests answered again by the gateway's idempotency key
     * @param deadLetters         orders parked by the dead-letter service
     */
    record Report(int accepted, Map<String, Integer> statuses, List<String> lost, List<String> stuck, Map<String, String> wrongOutcome,
                  Map<String, String> paymentMismatch, Map<String, String> stockMismatch, long outboxUnpublished,
                  Map<String, Long> duplicatesAbsorbed, Map<String, Integer> handlingFailures, int gatewayRepeats, List<String> deadLetters) {

        boolean consistent() {
            return lost.isEmpty() && stuck.isEmpty() && wrongOutcome.isEmpty() && paymentMismatch.isEmpty() && stockMismatch.isEmpty()
                && outboxUnpublished == 0 && handlingFailures.values().stream().allMatch(n -> n == 0);
        }

        @Override
        public String toString() {
            return String.format("accepted %d, %s; lost %s, stuck %s, wrong outcome %s, payment mismatches %s, stock mismatches %s,"
                    + " outbox unpublished %d, handling failures %s; duplicates absorbed %s, gateway repeats %d, dead letters %s",
                accepted, statuses, lost, stuck, wrongOutcome, paymentMismatch, stockMismatch, outboxUnpublished, handlingFailures,
                duplicatesAbsorbed, gatewayRepeats, deadLetters);
        }
    }

    static Report check(Shop shop, Map<String, Shop.Order> accepted, Map<String, Integer> openingStock, PaymentGateway gateway)
        throws SQLException {
        Map<String, String> status = new TreeMap<>();
        Map<String, Integer> statuses = new TreeMap<>();
        Map<String, String> reserved = new TreeMap<>(); // order id -> reservation status
        Map<String, Integer> reservedQty = new TreeMap<>();
        Map<String, String> paid = new TreeMap<>();
        Map<String, long[]> stock = new TreeMap<>(); // sku -> initial, available
        long unpublished = 0;
        Map<String, Long> duplicates = new TreeMap<>();
        List<String> deadLetters;
        try (Connection orders = DriverManager.getConnection(shop.jdbcUrl("order"));
             Connection inventory = DriverManager.getConnection(shop.jdbcUrl("inventory"));
             Connection payment = DriverManager.getConnection(shop.jdbcUrl("payment"));
             Connection deadLetter = DriverManager.getConnection(shop.jdbcUrl("dead-letter"))) {
            rows(orders, "SELECT id, status FROM orders", rs -> status.put(rs.getString(1), rs.getString(2)));
            rows(inventory, "SELECT order_id, status, qty FROM reservations", rs -> {
                reserved.put(rs.getString(1), rs.getString(2));
                reservedQty.put(rs.getString(1), rs.getInt(3));
            });
            rows(inventory, "SELECT sku, initial, available FROM stock", rs -> stock.put(rs.getString(1), new long[] {rs.getLong(2), rs.getLong(3)}));
            rows(payment, "SELECT order_id, status FROM payments", rs -> paid.put(rs.getString(1), rs.getString(2)));
            deadLetters = ShopService.column(deadLetter, "SELECT order_id FROM dead_letters ORDER BY order_id");
            Map<String, Connection> all = Map.of("order", orders, "inventory", inventory, "payment", payment, "dead-letter", deadLetter);
            for (String service : Shop.SERVICES) {
                unpublished += Long.parseLong(ShopService.column(all.get(service), "SELECT COUNT(*) FROM outbox WHERE NOT published").get(0));
                duplicates.put(service, Long.parseLong(ShopService.column(all.get(service), "SELECT COALESCE(SUM(duplicates), 0) FROM inbox").get(0)));
            }
        }
        status.values().forEach(s -> statuses.merge(s, 1, Integer::sum));

        List<String> lost = new ArrayList<>(new TreeSet<>(accepted.keySet()));
        lost.removeAll(status.keySet());
        List<String> stuck = status.entrySet().stream().filter(e -> e.getValue().equals("PLACED")).map(Map.Entry::getKey).toList();
        Map<String, String> wrong = new TreeMap<>();
        Map<String, String> payments = new TreeMap<>();
        Map<String, String> stockMismatch = new TreeMap<>();
        Map<String, Long> charges = gateway.charges();
        for (Shop.Order o : accepted.values()) {
            String s = status.get(o.id());
            if (s == null) {
                continue;
            }
            String expected = Shop.expectedStatus(o, openingStock);
            if (!s.equals(expected)) {
                wrong.put(o.id(), s + ", expected " + expected);
            }
            boolean confirmed = s.equals("CONFIRMED");
            if (confirmed != "CHARGED".equals(paid.get(o.id())) || confirmed != charges.containsKey(o.id())) {
                payments.put(o.id(), s + ", payment row " + paid.get(o.id()) + ", gateway charged " + charges.get(o.id()));
            }
            String reservation = reserved.get(o.id());
            String expectedReservation = switch (s) {
                case "CONFIRMED" -> "RESERVED";
                case "CANCELLED" -> "RELEASED";
                case "REJECTED" -> null;
                default -> reservation; // still in flight: anything goes
            };
            if (!java.util.Objects.equals(reservation, expectedReservation)) {
                stockMismatch.put(o.id(), s + " but reservation " + reservation);
            }
        }
        // Stock is conserved: what left the shelf is what confirmed orders hold.
        for (Map.Entry<String, long[]> sku : stock.entrySet()) {
            long held = reserved.entrySet().stream().filter(r -> r.getValue().equals("RESERVED"))
                .filter(r -> accepted.containsKey(r.getKey()) && accepted.get(r.getKey()).sku().equals(sku.getKey()))
                .mapToLong(r -> reservedQty.get(r.getKey())).sum();
            long taken = sku.getValue()[0] - sku.getValue()[1];
            if (taken != held) {
                stockMismatch.put(sku.getKey(), "initial " + sku.getValue()[0] + " - available " + sku.getValue()[1] + " = " + taken
                    + ", reserved " + held);
            }
        }
        Map<String, Integer> failures = new TreeMap<>();
        Shop.SERVICES.forEach(service -> failures.put(service, shop.process(service).occurrences(ShopService.HANDLING_FAILED)));
        return new Report(accepted.size(), statuses, lost, stuck, wrong, payments, stockMismatch, unpublished, duplicates, failures,
            gateway.repeatedRequests(), deadLetters);
    }

    private interface Row {
        void read(ResultSet rs) throws SQLException;
    }

    private static void rows(Connection db, String query, Row row) throws SQLException {
        try (ResultSet rs = db.createStatement().executeQuery(query)) {
            while (rs.next()) {
                row.read(rs);
            }
        }
    }
}
