package learn.rocketmq.projects.distributedsystem;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntUnaryOperator;
import learn.rocketmq.stack.RocketMQCluster;
import learn.rocketmq.stack.RocketMQServer;
import learn.rocketmq.stack.Wait;

/**
 * The shop's chaos run: a steady stream of orders while every part of the system is killed in turn,
 * then a checker over the services' databases. The faults: SIGKILL of each service (mid-transaction,
 * mid-publish, mid-payment: wherever it happens to be), the payment gateway down until the breaker
 * opens, SIGKILL of the broker. Each service is started again, as a supervisor (systemd, Kubernetes)
 * would. The claim, which {@link ShopChecker} checks order by order: no accepted order lost, none
 * stuck, each with the outcome its data calls for, every confirmed order charged once, the stock
 * conserved, no event left unpublished; the duplicates that at-least-once delivery brings are
 * counted, and absorbed by the inboxes and the gateway's idempotency key.
 * Roadmap: Phase 7 hands-on: Write comprehensive tests.
 * Run it: {@code ./lesson DistributedSystemChaos}.
 */
public class DistributedSystemChaos {

    public static void main(String[] args) throws Exception {
        try (RocketMQCluster cluster = RocketMQCluster.forLesson(args, topology())) {
            Result r = run(cluster, "LessonShopChaos", Files.createTempDirectory("distributed-system-chaos-"), 120);
            System.out.printf("Done: %s: %s%n", r.report().consistent() ? "consistent" : "INCONSISTENT", r.report());
        }
    }

    /** A NameServer and one broker, which the run kills. */
    public static RocketMQCluster.Topology topology() {
        return RocketMQCluster.topology().brokerGroup("broker-a");
    }

    /** A fault: what it did, how many orders the API had accepted before it and while it lasted, and how long until healed. */
    public record Fault(String name, int ordersAcceptedBefore, int ordersAcceptedDuring, long healedAfterMillis) {
    }

    public record Result(List<Fault> faults, ShopChecker.Report report) {
    }

    /** Enough of every SKU but one, which has none. */
    static final Map<String, Integer> STOCK = Map.of("book", 100_000, "unobtainium", 0);

    /** Order {@code i}: every 20th asks for what is not in stock, every 10th is over the card limit, every 15th has an invalid card. */
    static Shop.Order order(int i) {
        return new Shop.Order(String.format("order-%03d", i), i % 20 == 7 ? "unobtainium" : "book", 1 + i % 3,
            i % 10 == 0 ? 1500 : 10 + i % 50, (i % 15 == 0 ? "0000-" : "4242-") + i);
    }

    public static Result run(RocketMQCluster cluster, String prefix, Path dir, int orders) throws Exception {
        Map<String, Shop.Order> accepted = new ConcurrentHashMap<>();
        List<Fault> faults = new ArrayList<>();
        try (PaymentGateway gateway = PaymentGateway.start();
             Shop shop = new Shop(cluster.rocketMQ(), prefix, dir, gateway, "book=100000,unobtainium=0")) {
            shop.createTopics();
            shop.startAll();
            System.out.printf("1. The shop runs (output and databases in %s); %d orders, one every 40 ms, and six faults%n", dir, orders);
            // 2. The nemesis: a fault each time another seventh of the orders is in. The workload does not
            // run past the next seventh before that fault has struck, so every fault hits a stream in flight.
            RocketMQServer broker = cluster.master("broker-a");
            List<Chaos> plan = List.of(
                new Chaos("SIGKILL payment", () -> shop.kill("payment"), () -> shop.start("payment")),
                new Chaos("payment gateway down until the breaker opens", gateway::down, () -> {
                    if (!Wait.until(Duration.ofSeconds(60), "the breaker to open", () -> shop.process("payment").occurrences("CLOSED_TO_OPEN") > 0)) {
                        throw new IllegalStateException("the payment service's breaker did not open in 60 s; see " + shop.process("payment").outputFile());
                    }
                    gateway.up();
                }),
                new Chaos("SIGKILL inventory", () -> shop.kill("inventory"), () -> shop.start("inventory")),
                new Chaos("SIGKILL order (the API)", () -> shop.kill("order"), () -> shop.start("order")),
                new Chaos("SIGKILL broker-a", broker::kill, broker::restart),
                new Chaos("SIGKILL dead-letter", () -> shop.kill("dead-letter"), () -> shop.start("dead-letter")));
            AtomicInteger struck = new AtomicInteger();
            IntUnaryOperator threshold = j -> orders * j / (plan.size() + 1); // orders in before fault j (1-based)
            // The workload: orders in a steady stream; one the API does not take (its service is
            // down) is sent again until it is: the API is idempotent, so a retry is safe.
            CompletableFuture<Void> workload = CompletableFuture.runAsync(() -> {
                try {
                    int next = 1;
                    for (int i = 1; i <= orders; i++) {
                        while (next <= plan.size() && i > threshold.applyAsInt(next)) {
                            int fault = next++;
                            Wait.until(Duration.ofSeconds(120), "fault " + fault + " to strike", () -> struck.get() >= fault);
                        }
                        shop.placeOrder(order(i), accepted);
                        Thread.sleep(40); // the load's pace, not a wait for a message
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e.getMessage(), e);
                }
            });
            for (int j = 1; j <= plan.size(); j++) {
                Chaos fault = plan.get(j - 1);
                int due = threshold.applyAsInt(j);
                Wait.until(Duration.ofSeconds(120), due + " orders accepted", () -> accepted.size() >= due || workload.isCompletedExceptionally());
                if (workload.isCompletedExceptionally()) {
                    workload.join(); // throws what stopped it
                }
                int before = accepted.size();
                long start = System.nanoTime();
                fault.strike().run();
                struck.set(j);
                fault.heal().run();
                faults.add(new Fault(fault.name(), before, accepted.size() - before, (System.nanoTime() - start) / 1_000_000));
                Fault f = faults.get(faults.size() - 1);
                System.out.printf("2. %-46s after %3d orders; %2d more taken while it lasted; healed in %5d ms%n", f.name(),
                    f.ordersAcceptedBefore(), f.ordersAcceptedDuring(), f.healedAfterMillis());
            }
            workload.join();
            shop.awaitSettled(accepted);

            // 3. The checker, on the databases of the stopped services.
            shop.stopAll();
            ShopChecker.Report report = ShopChecker.check(shop, accepted, STOCK, gateway);
            System.out.printf("3. Checker: %s%n   %s%n", report.consistent() ? "consistent" : "INCONSISTENT", report);
            return new Result(faults, report);
        }
    }

    private interface Step {
        void run() throws Exception;
    }

    /** A fault: how it strikes, and how it is healed (a killed service started again, as a supervisor would). */
    private record Chaos(String name, Step strike, Step heal) {
    }
}
