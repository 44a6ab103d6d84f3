package learn.rocketmq.projects.notification;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Collectors;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQExtension;
import learn.rocketmq.stack.UniqueNames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(RocketMQExtension.class)
class NotificationServiceTest {

    @Test
    void eachChannelDeliversEveryNotificationOnceAndAFailingChannelHoldsBackNoOther(RocketMQ rocketmq) throws Exception {
        NotificationService.Result r = NotificationService.run(rocketmq, UniqueNames.of("notifications"));

        // Email: the SMTP server's mailbox has each of the 12 exactly once (n-3 was sent twice).
        assertThat(r.emailsById()).hasSize(NotificationService.NOTIFICATIONS).allSatisfy((id, count) -> assertThat(count).as(id).isEqualTo(1));
        // SMS: 11 accepted, each once; the bad number's went to the DLQ at once (1 attempt, no retries).
        assertThat(ids(r.sms())).hasSize(11).doesNotHaveDuplicates().noneMatch(id -> id.endsWith("-n-7"));
        assertThat(r.smsDeadLetters()).isEqualTo(1);
        assertThat(r.smsRejected()).as("attempts at the bad number").isEqualTo(1);
        // Push: refused while down, and email and SMS finished meanwhile; all 12 once it was back.
        assertThat(r.emailAndSmsDoneWhilePushDown()).isTrue();
        assertThat(r.pushRefusedWhileDown()).isPositive();
        assertThat(ids(r.push())).hasSize(NotificationService.NOTIFICATIONS).doesNotHaveDuplicates();
        // The second copy of n-3 was dropped by every channel (a redelivery would be dropped too).
        assertThat(r.duplicatesDropped()).containsOnlyKeys("email", "sms", "push").allSatisfy((channel, n) -> assertThat(n).as(channel).isPositive());

        // The SMS quota, 5 per second: its 13 attempts (12 + the copy) need at least three of the
        // limiter's 1 s periods, so the first and last are at least 1 s apart (unthrottled, all 13
        // take well under 100 ms). 100 ms of slack for the moment a permit is recorded.
        List<Long> permits = r.smsPermitsAt().stream().sorted().toList();
        assertThat(permits).hasSizeGreaterThanOrEqualTo(NotificationService.NOTIFICATIONS + 1);
        assertThat((permits.get(permits.size() - 1) - permits.get(0)) / 1_000_000).as("ms from the first SMS attempt to the last")
            .isGreaterThanOrEqualTo(900);
    }

    private static List<String> ids(List<ProviderGateway.Accepted> accepted) {
        return accepted.stream().map(ProviderGateway.Accepted::idempotencyKey).collect(Collectors.toList());
    }

}
