package learn.rocketmq.stack;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns the exceptions a learner really meets into one line that says what happened and what to
 * do, instead of a 40-line stack trace. Works for both client APIs (the 5.x client's exceptions
 * are matched by name, so this module needs no dependency on it).
 */
public final class Hints {

    private static final Pattern TOPIC = Pattern.compile("topic(?:[:=] *| *\\[)([\\w%-]+)", Pattern.CASE_INSENSITIVE);

    private Hints() {
    }

    /** One line for {@code e}: what went wrong and what to do about it. */
    public static String explain(Throwable e) {
        String all = describeChain(e);
        String lower = all.toLowerCase(Locale.ROOT);
        if (lower.contains("no route info of this topic") || lower.contains("no topic route info") || lower.contains("topic not found")
            || lower.contains("topic_not_exist") || lower.contains("code=topic_not_found")) {
            String topic = topicIn(all);
            return "Topic " + topic + " does not exist: the broker creates no topics on the fly (autoCreateTopicEnable=false)."
                + " Create it first, with its message type for 5.x clients: in code RocketMQAdmin.createTopic(\""
                + topic + "\", TopicMessageType.NORMAL), or ./rocketmq mqadmin updateTopic -n 127.0.0.1:9876 -c DefaultCluster -t "
                + topic + " -a +message.type=NORMAL";
        }
        if (lower.contains("message type not match") || lower.contains("not match the topic's message type")
            || lower.contains("message_type")) {
            return "The message's type does not match the topic's type (NORMAL, FIFO, DELAY, TRANSACTION): send FIFO"
                + " messages (with a message group) to a FIFO topic, delayed ones to a DELAY topic, or create the"
                + " topic with the type you send: " + firstLine(e);
        }
        if (lower.contains("body size over max value") || lower.contains("message body size exceeds")
            || lower.contains("payload_too_large") || lower.contains("message body too large")
            || lower.contains("exceeds the maximum")) {
            return "The message is too large: the default limit is 4 MiB (maxMessageSize on the broker, the producer's"
                + " maxMessageSize). Send a reference (a key, a URL) instead of the payload, or compress it: " + firstLine(e);
        }
        if (lower.contains("the message body length is zero") || lower.contains("body is empty")
            || lower.contains("message body is empty") || lower.contains("body should not be empty")) {
            return "The message body is empty: RocketMQ refuses messages without a body. Put something in it.";
        }
        if (lower.contains("the specified topic") && lower.contains("contains illegal characters")
            || lower.contains("topic name is illegal") || lower.contains("illegal characters")
            || lower.contains("topic does not match the regex")) {
            return "Illegal topic name: use letters, digits, '-', '_' and '%' only, at most 127 characters: " + firstLine(e);
        }
        if (lower.contains("code: 16") || lower.contains("code=16") || lower.contains("no permission")
            || lower.contains("authentication") || lower.contains("unauthorized") || lower.contains("forbidden")) {
            return "The broker refused the credentials or the permission (ACL): check the access key, the secret and"
                + " the user's ACL for this topic/group: " + firstLine(e);
        }
        // Before the reachability check: "[TIMEOUT_CLEAN_QUEUE]broker busy" contains "timeout".
        if (lower.contains("broker busy") || lower.contains("system busy")) {
            return "The broker is busy and refused the message (flow control, code 2: a send waited too long in its queue or"
                + " its page cache is busy); it is not stored: send it again after a pause and bound the sends in flight: "
                + firstLine(e);
        }
        if (lower.contains("disk is full") || lower.contains("disk maybe full")) {
            return "The broker's disk is full (above diskSpaceWarningLevelRatio, 90 %): it refuses every write until there is"
                + " space again: " + firstLine(e);
        }
        if (lower.contains("connect to") && lower.contains("failed") || lower.contains("connection refused")
            || lower.contains("remotingconnectexception") || lower.contains("unavailable")
            || lower.contains("sendtimeout") || lower.contains("remotingtimeoutexception")
            || lower.contains("deadline exceeded") || lower.contains("timeout")) {
            return "Cannot reach RocketMQ (" + firstLine(e) + "). Is it running? Start one with ./rocketmq up (or docker"
                + " compose up -d), check the address, and for the 5.x client use the proxy port (8081), not 9876.";
        }
        if (lower.contains("group not found") || lower.contains("subscription group not exist")
            || lower.contains("consumer_group_not_found")) {
            return "The consumer group does not exist: create it first (RocketMQAdmin.createConsumerGroup(...)): " + firstLine(e);
        }
        // A 5.x consumer of a group nobody created: the proxy answers "group not found" on the client's telemetry
        // stream, which the client only logs; build() throws this instead.
        if (lower.contains("consumerimpl") && lower.contains("to be running")
            && (lower.contains("stream is already completed") || lower.contains("failed to fetch topics"))) {
            return "The 5.x consumer could not start: most often its consumer group does not exist (the proxy's \"group not"
                + " found\" is only in the client's log, rocketmq-client.log): create it (mqadmin updateSubGroup -c DefaultCluster"
                + " -g <group>, or RocketMQAdmin.createConsumerGroup): " + firstLine(e);
        }
        return firstLine(e);
    }

    /** For lessons: an exception that escapes {@code main} prints its hint, not a stack trace. */
    static void installForLessons() {
        if (Boolean.getBoolean("learn.trace")) {
            return;
        }
        Thread.setDefaultUncaughtExceptionHandler((thread, e) -> {
            System.out.flush();
            System.err.println("ERROR: " + explain(e));
            System.err.println("(the whole stack trace: run again with -Dlearn.trace=true)");
            Runtime.getRuntime().exit(1);
        });
    }

    private static String topicIn(String text) {
        Matcher m = TOPIC.matcher(text);
        return m.find() ? m.group(1) : "(the topic)";
    }

    private static String describeChain(Throwable e) {
        StringBuilder sb = new StringBuilder();
        for (Throwable t = e; t != null && sb.length() < 20_000; t = t.getCause() == t ? null : t.getCause()) {
            sb.append(t.getClass().getName()).append(": ").append(t.getMessage()).append('\n');
        }
        return sb.toString();
    }

    /**
     * The first line of the most telling exception in the chain: wrappers such as "Expected the
     * service ... to be RUNNING" or "ExecutionException" say less than what they wrap.
     */
    private static String firstLine(Throwable top) {
        Throwable e = top;
        for (Throwable t = top; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t.getMessage() != null && !t.getMessage().isBlank() && !(t instanceof java.util.concurrent.ExecutionException)) {
                e = t;
            }
        }
        String message = e.getMessage() == null ? "" : e.getMessage().strip();
        int newline = message.indexOf('\n');
        if (newline >= 0) {
            message = message.substring(0, newline);
        }
        // The classic client appends a documentation link; keep the line short.
        int see = message.indexOf("\nSee ");
        if (see >= 0) {
            message = message.substring(0, see);
        }
        if (message.length() > 200) {
            message = message.substring(0, 200) + "...";
        }
        return e.getClass().getSimpleName() + (message.isEmpty() ? "" : ": " + message);
    }
}
