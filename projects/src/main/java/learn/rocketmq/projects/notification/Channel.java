package learn.rocketmq.projects.notification;

/**
 * A way to reach a user: email, SMS, push. {@link #deliver} returns when the provider accepted
 * the notification; it throws {@link Permanent} when trying again cannot help (an invalid
 * number: straight to the dead-letter queue), any other exception when it might (the provider
 * is down: retried later).
 */
public interface Channel {

    /** The channel's name: also its message property and its consumer group's suffix. */
    String name();

    void deliver(Notification notification) throws Exception;

    /** A failure no retry can fix. */
    final class Permanent extends Exception {
        public Permanent(String message) {
            super(message);
        }
    }
}
