package learn.rocketmq.projects.distributedsystem;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import learn.rocketmq.stack.RocketMQCluster;
import learn.rocketmq.stack.UniqueNames;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shop against a real broker, its services real processes: the integration run (every kind of
 * order, the gateway outage, the alerts) and the chaos run. One cluster for both; the chaos run
 * kills its broker and starts it again, which the other run does not mind.
 */
class DistributedSystemTest {

    static RocketMQCluster cluster;

    @BeforeAll
    static void start() {
        cluster = DistributedSystemChaos.topology().start();
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    @Test
    void everyKindOfOrderEndsAsItShouldAndTheAlertsFire(@TempDir Path dir) throws Exception {
        DistributedSystem.Result r = DistributedSystem.run(cluster.rocketMQ(), UniqueNames.of("Shop"), dir);

        assertThat(r.outcomes()).isEqualTo(Map.of(
            "order-1", "CONFIRMED",
            "order-2", "CANCELLED card declined: over its limit",
            "order-3", "REJECTED out of stock: lamp",
            "order-4", "CANCELLED payment impossible (StockReserved dead-lettered): parked for an operator"));
        // While the gateway was down the payments waited (the breaker open), and no message went to
        // the dead-letter queue for it: only order-4's, from step 1.
        assertThat(r.whileGatewayDown()).containsOnly(Map.entry("order-5", "PLACED"), Map.entry("order-6", "PLACED"));
        assertThat(r.deadLettersBefore()).isEqualTo(1);
        assertThat(r.deadLettersAfter()).isEqualTo(1);
        assertThat(r.notifications()).contains(
            "firing ShopDeadLetters: 1 dead letters parked: an operator has to look at them",
            "firing ShopPaymentGatewayCircuitOpen: the payment gateway's circuit breaker is open: payments wait until the gateway answers again",
            "resolved ShopPaymentGatewayCircuitOpen: the payment gateway's circuit breaker is open: payments wait until the gateway answers again");
        // The end state, from the databases.
        ShopChecker.Report report = r.report();
        assertThat(report.consistent()).as("%s", report).isTrue();
        assertThat(report.statuses()).isEqualTo(Map.of("CANCELLED", 2, "CONFIRMED", 3, "REJECTED", 1));
        assertThat(report.deadLetters()).containsExactly("order-4");
        // Events handled, per service, as Prometheus scraped them: order 6 outcomes; inventory 6 placed + 2 compensations.
        assertThat(r.handledByService()).containsEntry("{service=order}", 6.0).containsEntry("{service=inventory}", 8.0)
            .containsEntry("{service=payment}", 4.0).containsEntry("{service=dead-letter}", 1.0);
    }

    @Test
    void underKillsOfEveryServiceAndTheBrokerNoOrderIsLostStuckOrChargedTwice(@TempDir Path dir) throws Exception {
        DistributedSystemChaos.Result r = DistributedSystemChaos.run(cluster, UniqueNames.of("ShopChaos"), dir, 120);
        System.out.println("Shop chaos run: " + r);

        assertThat(r.faults()).extracting(DistributedSystemChaos.Fault::name).containsExactly("SIGKILL payment",
            "payment gateway down until the breaker opens", "SIGKILL inventory", "SIGKILL order (the API)", "SIGKILL broker-a",
            "SIGKILL dead-letter");
        // The faults hit a running stream: each one after its seventh of the orders, the rest still to come.
        assertThat(r.faults()).extracting(DistributedSystemChaos.Fault::ordersAcceptedBefore).containsExactly(17, 34, 51, 68, 85, 102);
        ShopChecker.Report report = r.report();
        assertThat(report.accepted()).isEqualTo(120);
        assertThat(report.lost()).isEmpty();
        assertThat(report.stuck()).isEmpty();
        assertThat(report.wrongOutcome()).isEmpty();
        assertThat(report.paymentMismatch()).isEmpty();
        assertThat(report.stockMismatch()).isEmpty();
        assertThat(report.outboxUnpublished()).isZero();
        assertThat(report.handlingFailures()).allSatisfy((service, failures) -> assertThat(failures).as(service).isZero());
        assertThat(report.consistent()).isTrue();
        // At-least-once at work: services killed before committing their offsets (every 5 s) and the
        // broker killed before flushing its copy got events again; the inboxes absorbed them.
        assertThat(report.duplicatesAbsorbed().values().stream().mapToLong(Long::longValue).sum()).isPositive();
        // Exact outcomes from the orders' data: 6 out of stock; 8 invalid cards (dead letters) and 8 more over the card limit.
        assertThat(report.statuses()).isEqualTo(Map.of("CANCELLED", 16, "CONFIRMED", 98, "REJECTED", 6));
        assertThat(report.deadLetters()).hasSize(8);
    }
}
