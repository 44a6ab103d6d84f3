package learn.rocketmq.patterns.troubleshooting;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Set;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQExtension;
import learn.rocketmq.stack.UniqueNames;
import org.apache.rocketmq.tools.admin.api.TrackType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(RocketMQExtension.class)
class DebuggingTechniquesTest {

    @Test
    void theToolsShowTheMessageStoredFilteredByBillingsSubscriptionAndAuditOffline(RocketMQ rocketmq) throws Exception {
        String billing = UniqueNames.of("billing");
        String audit = UniqueNames.of("audit");
        DebuggingTechniques.Result r = DebuggingTechniques.run(rocketmq, UniqueNames.of("Payments"), billing, audit);

        assertThat(r.booked()).isEqualTo(Set.of("order-1", "order-8"));
        // 1. Stored, with the tag the new checkout gave it; order-1 is before it on its queue or another one.
        assertThat(r.order7().tag()).isEqualTo("Payed");
        // 2. Billing passed it without taking it; audit is not running.
        assertThat(r.order7Tracks()).isEqualTo(Map.of(billing, TrackType.CONSUMED_BUT_FILTERED, audit, TrackType.NOT_ONLINE));
        assertThat(r.order8Tracks()).isEqualTo(Map.of(billing, TrackType.CONSUMED, audit, TrackType.NOT_ONLINE));
        // 3. The reason.
        assertThat(r.billingSubscription()).isEqualTo("Paid");
        // 4. The trace: order-7 sent and never consumed; order-8 sent and consumed (before and after).
        assertThat(r.order7Trace()).containsExactly("Pub");
        assertThat(r.order8Trace()).containsExactly("Pub", "SubAfter", "SubBefore");
    }
}
