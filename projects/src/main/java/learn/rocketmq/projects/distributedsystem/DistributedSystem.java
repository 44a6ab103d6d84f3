package learn.rocketmq.projects.distributedsystem;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import learn.rocketmq.stack.AlertWebhook;
import learn.rocketmq.stack.Alertmanager;
import learn.rocketmq.stack.Prometheus;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQAdmin;
import learn.rocketmq.stack.Wait;

/**
 * Hands-on project: a distributed system of microservices on RocketMQ, with its error handling and
 * its monitoring. A shop of four services, each a JVM of its own with its own consumer group and
 * its own database, that share nothing but one event topic:
 * Roadmap: Phase 7 hands-on: Build a complete microservices system using RocketMQ.
 *
 * <pre>
 *   POST /orders -> order --OrderPlaced--> inventory --StockReserved--> payment --PaymentCompleted--> order: CONFIRMED
 *                                                    \-StockRejected--> order: REJECTED      |   (gateway, via a circuit breaker)
 *                       inventory: stock back <--PaymentDeclined-------------------------------+--> order: CANCELLED
 *                                                 payment's dead letters -> dead-letter --PaymentFailed--> order, inventory
 * </pre>
 * The patterns of phase 7, each where it belongs ({@link ShopService}): every service writes its
 * state, the id of the event it handled (the <b>inbox</b>: idempotency) and the events it
 * publishes (the <b>outbox</b>) in one transaction; a relay publishes the outbox. The order's
 * process is a choreographed <b>saga</b> whose <b>compensation</b> gives the stock back.
 * Error handling ({@link ShopPaymentService}): answers by kind (declined, invalid, unavailable), a
 * <b>circuit breaker</b> in front of the gateway that holds events instead of burning retries, a
 * poison message straight to the <b>dead-letter queue</b>, and a service that handles what lands
 * there ({@link ShopDeadLetterService}). Monitoring: each service's metrics (Micrometer) scraped by a
 * real Prometheus, two alert rules ({@code shop-alerts.yml}) and a real Alertmanager calling a webhook.
 * The tests: {@code ShopServicesTest} (the services' logic, no broker), {@code DistributedSystemTest}
 * (this run and the chaos run of {@link DistributedSystemChaos}, checked by {@link ShopChecker}).
 * Run it: {@code ./lesson DistributedSystem} (needs {@code apt-get install prometheus prometheus-alertmanager}).
 */
public class DistributedSystem {

    public static void main(String[] args) throws Exception {
        RocketMQ rocketmq = RocketMQ.forLesson(args);
        Result r = run(rocketmq, "LessonShop", Files.createTempDirectory("distributed-system-"));
        System.out.printf("Done: %s%n", r.report());
    }

    /**
     * @param outcomes          order id → status and reason, after step 1
     * @param whileGatewayDown  order id → status while the gateway was down (the breaker open)
     * @param deadLettersBefore messages in the payment group's dead-letter queue before the outage, and after it
     * @param notifications     what reached the alert webhook
     * @param handledByService  events handled per service, as Prometheus has them
     * @param report            the checker's report on the end state
     */
    public record Result(Map<String, String> outcomes, Map<String, String> whileGatewayDown, long deadLettersBefore,
                         long deadLettersAfter, List<String> notifications, Map<String, Double> handledByService, ShopChecker.Report report) {
    }

    static final Map<String, Integer> STOCK = Map.of("book", 100, "lamp", 0);
    /** One order of each kind; then two while the gateway is down. */
    static final List<Shop.Order> ORDERS = List.of(
        new Shop.Order("order-1", "book", 1, 30, "4242-1111"),     // confirmed
        new Shop.Order("order-2", "book", 2, 2500, "4242-2222"),   // over the card limit: declined, stock given back
        new Shop.Order("order-3", "lamp", 1, 40, "4242-3333"),     // none in stock: rejected
        new Shop.Order("order-4", "book", 1, 20, "0000-4444"));    // the gateway calls it invalid: a dead letter
    static final List<Shop.Order> ORDERS_WHILE_GATEWAY_DOWN = List.of(
        new Shop.Order("order-5", "book", 1, 25, "4242-5555"),
        new Shop.Order("order-6", "book", 3, 60, "4242-6666"));

    public static Result run(RocketMQ rocketmq, String prefix, Path dir) throws Exception {
        Map<String, Shop.Order> accepted = new LinkedHashMap<>();
        try (PaymentGateway gateway = PaymentGateway.start();
             AlertWebhook webhook = AlertWebhook.start();
             Alertmanager alertmanager = Alertmanager.notifying(webhook.url());
             Shop shop = new Shop(rocketmq, prefix, dir, gateway, "book=100,lamp=0");
             RocketMQAdmin admin = RocketMQAdmin.connect(rocketmq)) {
            shop.createTopics();
            Prometheus prometheus = Prometheus.start(shop.metricsTargets(), rulesForLesson(), alertmanager.address());
            try (prometheus) {
                shop.startAll();
                System.out.printf("1. Four services, one JVM each (output and databases in %s); topic %s%n", dir, shop.topic);

                // 1. An order of each kind, and what the saga made of each.
                for (Shop.Order o : ORDERS) {
                    shop.placeOrder(o, accepted);
                }
                shop.awaitSettled(accepted);
                Map<String, String> outcomes = shop.orders();
                outcomes.forEach((id, s) -> System.out.printf("   %s: %s%n", id, s));
                Wait.until(Duration.ofSeconds(60), "the dead-letter alert", () -> webhook.first("firing", "ShopDeadLetters") != null);
                System.out.printf("   alert: %s%n", webhook.first("firing", "ShopDeadLetters"));

                // 2. The gateway goes down. Orders are still taken; their payments wait behind the open breaker.
                String dlq = shop.deadLetterTopic();
                long deadLettersBefore = admin.storedMessages(dlq);
                gateway.down();
                System.out.println("2. The payment gateway is down (503); two more orders");
                for (Shop.Order o : ORDERS_WHILE_GATEWAY_DOWN) {
                    shop.placeOrder(o, accepted);
                }
                String circuit = "ShopPaymentGatewayCircuitOpen";
                Wait.until(Duration.ofSeconds(60), "the circuit breaker alert", () -> webhook.first("firing", circuit) != null);
                Map<String, String> whileDown = new LinkedHashMap<>();
                ORDERS_WHILE_GATEWAY_DOWN.forEach(o -> whileDown.put(o.id(), shop.statuses().get(o.id())));
                System.out.printf("   alert: %s%n   orders meanwhile %s; the gateway refused %d calls%n", webhook.first("firing", circuit),
                    whileDown, gateway.refusedWhileDown());
                gateway.up();
                shop.awaitSettled(accepted);
                Wait.until(Duration.ofSeconds(60), "the circuit breaker alert to resolve", () -> webhook.first("resolved", circuit) != null);
                long deadLettersAfter = admin.storedMessages(dlq);
                System.out.printf("   gateway back: %s; alert: %s; dead letters %d before the outage, %d after%n",
                    shop.statuses(), webhook.first("resolved", circuit), deadLettersBefore, deadLettersAfter);

                // 3. What the services' metrics say, through Prometheus.
                Wait.until(Duration.ofSeconds(30), "Prometheus to see every event handled", () ->
                    prometheus.value("sum(shop_events_handled_total{service=\"order\"})") >= accepted.size());
                Map<String, Double> handled = new LinkedHashMap<>();
                prometheus.query("sum by (service) (shop_events_handled_total)").forEach((labels, v) -> handled.put(labels, v));
                System.out.printf("3. Prometheus: events handled %s; gateway calls %s%n", handled,
                    prometheus.query("sum by (answer) (shop_payment_gateway_calls_total)"));

                // 4. The end state, checked from the services' databases once they stopped.
                shop.stopAll();
                ShopChecker.Report report = ShopChecker.check(shop, accepted, STOCK, gateway);
                System.out.printf("4. Checker: %s: %s%n", report.consistent() ? "consistent" : "INCONSISTENT", report);
                return new Result(outcomes, whileDown, deadLettersBefore, deadLettersAfter,
                    webhook.notifications().stream().map(Object::toString).toList(), handled, report);
            }
        }
    }

    /** The shop's rules with every {@code for:} shortened to 2 s, so the lesson waits seconds, not minutes. */
    static Path rulesForLesson() throws IOException {
        try (InputStream in = DistributedSystem.class.getResourceAsStream("shop-alerts.yml")) {
            Path rules = Files.createTempFile("shop-alerts-", ".yml");
            Files.writeString(rules, new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).replaceAll("for: \\d+m", "for: 2s"));
            rules.toFile().deleteOnExit();
            return rules;
        }
    }
}
