package learn.rocketmq.projects.notification;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.internet.MimeMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import learn.rocketmq.clients.Clients;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQAdmin;
import learn.rocketmq.stack.UniqueNames;
import learn.rocketmq.stack.Wait;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.common.attribute.TopicMessageType;

/**
 * Project: a multi-channel notification service. One topic, {@code Notifications}; one consumer
 * group per channel ({@link ChannelConsumer}): email through a real SMTP server (GreenMail, in
 * this process), SMS and push through HTTP providers ({@link ProviderGateway}). Twelve
 * notifications, each on all three channels, and the failures the design exists for:
 * <ul>
 *   <li>the push provider is down at first (503): push retries, while email and SMS go out
 *   undisturbed; once it is back, every push arrives;</li>
 *   <li>one phone number does not exist (400): that SMS goes straight to {@code %DLQ%notify-sms}
 *   instead of being retried 16 times;</li>
 *   <li>one notification is sent twice (a producer retry): each channel delivers it once;</li>
 *   <li>SMS may go out 5 per second at most (the provider's quota): a rate limiter per channel.</li>
 * </ul>
 * Roadmap: Project (intermediate) 3: Notification Service: multi-channel notifications (email, SMS, push).
 *
 * <p>Run it: {@code ./lesson NotificationService} (under a minute: the push retries wait for
 * the broker's retry delays, 10 s then 30 s on a default broker).
 */
public class NotificationService {

    public static final String TOPIC = "Notifications";
    public static final int NOTIFICATIONS = 12;
    public static final int SMS_PER_SECOND = 5;
    public static final String BAD_NUMBER = "+000-0000"; // n-7's: the SMS provider has no such number

    /** What each channel did; the SMTP server's mailbox by notification id. */
    public record Result(Map<String, Integer> emailsById, List<ProviderGateway.Accepted> sms, List<ProviderGateway.Accepted> push,
                         int pushRefusedWhileDown, boolean emailAndSmsDoneWhilePushDown, int smsRejected, long smsDeadLetters,
                         List<Long> smsPermitsAt, Map<String, Integer> duplicatesDropped) {
    }

    public static void main(String[] args) throws Exception {
        RocketMQ rocketmq = RocketMQ.forLesson(args);
        Result r = run(rocketmq, UniqueNames.of("notifications"));
        System.out.printf("email: %d mails in the mailbox, one per notification: %s%n", r.emailsById().size(),
            r.emailsById().values().stream().allMatch(n -> n == 1));
        System.out.printf("sms:   %d accepted, %d in %%DLQ%%notify-sms (the bad number, tried %d time)%n", r.sms().size(), r.smsDeadLetters(), r.smsRejected());
        System.out.printf("push:  %d accepted after %d refusals while the provider was down; email and SMS done meanwhile: %s%n",
            r.push().size(), r.pushRefusedWhileDown(), r.emailAndSmsDoneWhilePushDown());
        System.out.printf("duplicate copies dropped per channel: %s%n", r.duplicatesDropped());
    }

    /** Runs the scenario; {@code database} names the delivery table's in-memory database. */
    public static Result run(RocketMQ rocketmq, String database) throws Exception {
        String smsDlq = "%DLQ%" + ChannelConsumer.group("sms");
        long dlqBefore;
        try (RocketMQAdmin admin = RocketMQAdmin.connect(rocketmq)) {
            admin.createTopic(TOPIC, TopicMessageType.NORMAL, 4);
            dlqBefore = admin.storedMessages(smsDlq); // a long-lived broker keeps earlier runs' dead letters
        }
        GreenMail smtp = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        smtp.start();
        try (ProviderGateway smsProvider = new ProviderGateway(); ProviderGateway pushProvider = new ProviderGateway();
             Deliveries deliveries = new Deliveries(database)) {
            // 1. One consumer group per channel, each with its own quota and retries.
            List<ChannelConsumer> channels = new ArrayList<>();
            try {
                channels.add(new ChannelConsumer(rocketmq, TOPIC, new EmailChannel("127.0.0.1", smtp.getSmtp().getPort()), 50, 3, deliveries));
                channels.add(new ChannelConsumer(rocketmq, TOPIC, new HttpChannel("sms", smsProvider.endpoint()), SMS_PER_SECOND, 3, deliveries));
                channels.add(new ChannelConsumer(rocketmq, TOPIC, new HttpChannel("push", pushProvider.endpoint()), 50, 16, deliveries));
                pushProvider.setDown(true);
                System.out.println("The push provider is down.");

                // 2. The notifications; n-3 twice, as a producer's retry after a lost answer would.
                DefaultMQProducer producer = Clients.configure(new DefaultMQProducer("notification-producer"), rocketmq);
                producer.start();
                String run = String.valueOf(System.currentTimeMillis());
                try {
                    for (int i = 1; i <= NOTIFICATIONS; i++) {
                        Map<String, String> to = new LinkedHashMap<>();
                        to.put("email", "user" + i + "@example.com");
                        to.put("sms", i == 7 ? BAD_NUMBER : "+4915100000" + (10 + i));
                        to.put("push", "device-" + i);
                        Notification n = new Notification(run + "-n-" + i, "Order " + i + " has shipped", to);
                        producer.send(n.toMessage(TOPIC));
                        if (i == 3) {
                            producer.send(n.toMessage(TOPIC));
                        }
                    }
                } finally {
                    producer.shutdown();
                }
                System.out.printf("Sent %d notifications (n-3 twice) to email, SMS and push.%n", NOTIFICATIONS);

                // 3. Email and SMS finish while push is still failing.
                boolean done = Wait.until(Duration.ofSeconds(60), "email and SMS delivered", () ->
                    smtp.getReceivedMessages().length >= NOTIFICATIONS && channels.get(1).delivered() + channels.get(1).deadLettered() >= NOTIFICATIONS);
                boolean pushFailingMeanwhile = pushProvider.refusedWhileDown() > 0;
                System.out.printf("Email and SMS done (%s) while push has been refused %d times.%n", done, pushProvider.refusedWhileDown());

                // 4. Push recovers: its retries go out.
                pushProvider.setDown(false);
                System.out.println("The push provider is back.");
                Wait.until(Duration.ofSeconds(120), "every push delivered", () -> channels.get(2).delivered() >= NOTIFICATIONS);

                long dlq;
                try (RocketMQAdmin admin = RocketMQAdmin.connect(rocketmq)) {
                    Wait.until(Duration.ofSeconds(30), "the bad SMS in its DLQ", () -> admin.storedMessages(smsDlq) > dlqBefore);
                    dlq = admin.storedMessages(smsDlq) - dlqBefore;
                }
                Map<String, Integer> emails = new LinkedHashMap<>();
                for (MimeMessage mail : smtp.getReceivedMessages()) {
                    emails.merge(mail.getHeader(EmailChannel.ID_HEADER)[0], 1, Integer::sum);
                }
                Map<String, Integer> dropped = new LinkedHashMap<>();
                channels.forEach(c -> dropped.put(c.name(), c.duplicates()));
                return new Result(emails, smsProvider.accepted(), pushProvider.accepted(), pushProvider.refusedWhileDown(),
                    done && pushFailingMeanwhile, smsProvider.rejected(), dlq, channels.get(1).permitsAt(), dropped);
            } finally {
                channels.forEach(ChannelConsumer::close); // also when a step fails
            }
        } finally {
            smtp.stop();
        }
    }
}
