package learn.rocketmq.projects.ordernotification;

import static org.assertj.core.api.Assertions.assertThat;

import learn.rocketmq.projects.ordernotification.OrderNotificationSystem.Action;
import learn.rocketmq.projects.ordernotification.OrderNotificationSystem.Kind;
import learn.rocketmq.projects.ordernotification.OrderNotificationSystem.Notification;
import learn.rocketmq.projects.ordernotification.OrderNotificationSystem.OrderStatus;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQExtension;
import learn.rocketmq.stack.UniqueNames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(RocketMQExtension.class)
class OrderNotificationSystemTest {

    @Test
    void unpaidOrdersAreRemindedThenCancelledNotBeforeDueWhilePaidOnesAreSkipped(RocketMQ rocketmq) throws Exception {
        int orders = 6;
        OrderNotificationSystem.Result result = OrderNotificationSystem.run(rocketmq, UniqueNames.of("OrderNotifications"),
            UniqueNames.of("order-notifications"), orders, 2_000, 3_000);

        assertThat(result.notifications()).hasSize(orders * 3);
        for (int i = 1; i <= orders; i++) {
            String order = "order-" + i;
            Notification confirm = result.of(order, Kind.CONFIRM);
            Notification remind = result.of(order, Kind.REMIND);
            Notification cancel = result.of(order, Kind.CANCEL);
            assertThat(confirm.action()).isEqualTo(Action.CONFIRMED);
            // The consumer was live before the reminder was due (it confirmed the order), yet the
            // reminder and the cancellation came only when due, and soon after.
            assertThat(confirm.receivedAt()).as("%s confirmed before the reminder was due", order).isLessThan(remind.dueAt());
            for (Notification scheduled : new Notification[] {remind, cancel}) {
                assertThat(scheduled.receivedAt()).as("%s %s received vs due", order, scheduled.kind())
                    .isGreaterThanOrEqualTo(scheduled.dueAt()).isLessThan(scheduled.dueAt() + 5_000);
            }
            if (i % 2 == 0) { // paid right away: both scheduled actions skipped
                assertThat(remind.action()).as("%s reminder", order).isEqualTo(Action.SKIPPED_ALREADY_PAID);
                assertThat(cancel.action()).as("%s cancellation", order).isEqualTo(Action.SKIPPED_ALREADY_PAID);
                assertThat(result.orders()).containsEntry(order, OrderStatus.PAID);
            } else { // never paid: reminded, then cancelled
                assertThat(remind.action()).as("%s reminder", order).isEqualTo(Action.REMINDED);
                assertThat(cancel.action()).as("%s cancellation", order).isEqualTo(Action.CANCELLED);
                assertThat(result.orders()).containsEntry(order, OrderStatus.CANCELLED);
            }
        }
    }
}
