package learn.rocketmq.projects.notification;

import jakarta.mail.Message.RecipientType;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.util.Properties;

/**
 * Email over SMTP with Jakarta Mail, to whatever SMTP server is at {@code host:port} (here a real
 * one, GreenMail, running in the project). The notification id goes along as a header, so a
 * mailbox can be checked for duplicates.
 */
public final class EmailChannel implements Channel {

    public static final String ID_HEADER = "X-Notification-Id";

    private final Session session;

    public EmailChannel(String host, int port) {
        Properties smtp = new Properties();
        smtp.put("mail.smtp.host", host);
        smtp.put("mail.smtp.port", String.valueOf(port));
        smtp.put("mail.smtp.connectiontimeout", "5000");
        smtp.put("mail.smtp.timeout", "5000");
        session = Session.getInstance(smtp);
    }

    @Override
    public String name() {
        return "email";
    }

    @Override
    public void deliver(Notification notification) throws Exception {
        MimeMessage mail = new MimeMessage(session);
        mail.setFrom(new InternetAddress("notifications@shop.example"));
        try {
            mail.setRecipient(RecipientType.TO, new InternetAddress(notification.address("email"), true));
        } catch (AddressException e) {
            throw new Permanent("not an email address: " + notification.address("email"));
        }
        mail.setSubject("Your order");
        mail.setText(notification.text());
        mail.setHeader(ID_HEADER, notification.id());
        Transport.send(mail); // an SMTP server that does not answer: a MessagingException, retried
    }
}
