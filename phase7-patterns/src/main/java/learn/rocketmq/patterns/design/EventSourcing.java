package learn.rocketmq.patterns.design;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import learn.rocketmq.clients.Clients;
import learn.rocketmq.clients.TopicContents;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQAdmin;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.common.attribute.TopicMessageType;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.common.message.MessageQueue;

/**
 * Event sourcing: bank accounts whose state is the sum of their events on a topic, rebuilt by
 * replaying from the first offset, and from a snapshot plus the events after it.
 * Roadmap: 7.1 Design Patterns: Event sourcing.
 *
 * <p>The account service does not store balances: it validates a command against the current state
 * (a withdrawal needs the money), appends the resulting event (Opened, Deposited, Withdrawn) to the
 * topic, and applies it. Events of one account go to one queue (selected by account id), so they are
 * stored, and replayed, in the order they happened. When the service loses its memory (a restart), it
 * replays the topic and goes on; a snapshot (the state and each queue's offset at that moment) saves
 * replaying everything: the state of the snapshot plus the events stored after it. A real system keeps
 * the topic's retention long enough (or copies it to cheaper storage): the log is the database.
 * Run it: {@code ./lesson EventSourcing}.
 */
public class EventSourcing {

    public static void main(String[] args) throws Exception {
        RocketMQ rocketmq = RocketMQ.forLesson(args);
        Result r = run(rocketmq, "LessonEventSourcing", "lesson-event-sourcing");
        System.out.printf("Done: live %s, replayed %s, from snapshot %s.%n", r.live(), r.replayed(), r.fromSnapshot());
    }

    /** An account's state: the fold of its events. */
    public record Account(long balance, int events) {
        Account apply(String type, long amount) {
            return switch (type) {
                case "Opened" -> new Account(0, events + 1);
                case "Deposited" -> new Account(balance + amount, events + 1);
                case "Withdrawn" -> new Account(balance - amount, events + 1);
                default -> throw new IllegalArgumentException("unknown event " + type);
            };
        }
    }

    /** States: live (the service's), replayed from the first offset, snapshot + tail; refusals of the service, restarted or not. */
    public record Result(Map<String, Account> live, Map<String, Account> replayed, Map<String, Account> fromSnapshot,
                         Map<String, Account> snapshot, List<String> refusals) {
    }

    /** The account service: commands in, events out to the topic, state in memory. */
    static final class AccountService {
        final DefaultMQProducer producer;
        final String topic;
        final Map<String, Account> accounts;
        final List<String> refusals = new java.util.ArrayList<>();

        AccountService(DefaultMQProducer producer, String topic, Map<String, Account> state) {
            this.producer = producer;
            this.topic = topic;
            this.accounts = new TreeMap<>(state);
        }

        void handle(String account, String command, long amount) throws Exception {
            Account current = accounts.get(account);
            String type = switch (command) {
                case "open" -> current == null ? "Opened" : null;
                case "deposit" -> current != null ? "Deposited" : null;
                default -> current != null && current.balance() >= amount ? "Withdrawn" : null;
            };
            if (type == null) {
                refusals.add(command + " " + amount + " on " + account + " (balance " + (current == null ? "none" : current.balance()) + ")");
                return;
            }
            Message event = new Message(topic, (account + "," + type + "," + amount).getBytes(StandardCharsets.UTF_8));
            event.setKeys(account);
            // One queue per account: its events are stored, and replayed, in order.
            producer.send(event, (queues, m, key) -> queues.get(Math.floorMod(key.hashCode(), queues.size())), account);
            accounts.put(account, (current == null ? new Account(0, 0) : current).apply(type, amount));
        }
    }

    public static Result run(RocketMQ rocketmq, String topic, String prefix) throws Exception {
        try (RocketMQAdmin admin = RocketMQAdmin.connect(rocketmq)) {
            admin.createTopic(topic, TopicMessageType.NORMAL);
        }
        DefaultMQProducer producer = Clients.configure(new DefaultMQProducer(prefix + "-accounts"), rocketmq);
        producer.start();
        try {
            // 1. Commands; each accepted one becomes an event.
            AccountService service = new AccountService(producer, topic, Map.of());
            for (String account : List.of("alice", "bob", "carol")) {
                service.handle(account, "open", 0);
                service.handle(account, "deposit", 100);
            }
            service.handle("alice", "withdraw", 30);
            service.handle("bob", "withdraw", 500); // refused: bob has 100
            System.out.printf("1. State after 7 events: %s; refused: %s%n", service.accounts, service.refusals);

            // 2. A snapshot: the state, and each queue's end offset when it was taken.
            Map<String, Account> snapshot = new TreeMap<>(service.accounts);
            Map<MessageQueue, Long> snapshotOffsets = endOffsets(rocketmq, topic);
            service.handle("alice", "deposit", 50);
            service.handle("carol", "withdraw", 60);
            service.handle("dave", "open", 0);
            System.out.printf("2. Snapshot taken; 3 events after it. Live state: %s%n", service.accounts);

            // 3. The service restarts with no memory: its state comes back from the topic, from the first offset.
            Map<String, Account> replayed = replay(rocketmq, topic, Map.of(), Map.of());
            AccountService restarted = new AccountService(producer, topic, replayed);
            restarted.handle("carol", "withdraw", 50); // refused: carol has 40 (a service with no state would not know)
            restarted.handle("alice", "withdraw", 100); // accepted: alice has 120
            System.out.printf("3. Replayed from the first offset: %s; then refused: %s%n", replayed, restarted.refusals);

            // 4. The same from the snapshot plus the events stored after it.
            Map<String, Account> fromSnapshot = replay(rocketmq, topic, snapshot, snapshotOffsets);
            Map<String, Account> replayedAgain = replay(rocketmq, topic, Map.of(), Map.of());
            System.out.printf("4. Snapshot + tail: %s; full replay: %s; live: %s%n", fromSnapshot, replayedAgain, restarted.accounts);
            List<String> refusals = new java.util.ArrayList<>(service.refusals);
            refusals.addAll(restarted.refusals);
            return new Result(restarted.accounts, replayedAgain, fromSnapshot, snapshot, refusals);
        } finally {
            producer.shutdown();
        }
    }

    /** The state folded from {@code start}, applying each event stored at or after {@code from}'s offset of its queue (0 if absent). */
    static Map<String, Account> replay(RocketMQ rocketmq, String topic, Map<String, Account> start, Map<MessageQueue, Long> from)
        throws Exception {
        Map<String, Account> state = new TreeMap<>(start);
        for (MessageExt m : TopicContents.readAll(rocketmq, topic)) { // each queue in offset order
            MessageQueue q = new MessageQueue(m.getTopic(), m.getBrokerName(), m.getQueueId());
            if (m.getQueueOffset() >= from.getOrDefault(q, 0L)) {
                String[] e = new String(m.getBody(), StandardCharsets.UTF_8).split(",");
                state.put(e[0], state.getOrDefault(e[0], new Account(0, 0)).apply(e[1], Long.parseLong(e[2])));
            }
        }
        return state;
    }

    /** Each queue's end: the offset after its last stored event (queues without events are absent: 0). */
    private static Map<MessageQueue, Long> endOffsets(RocketMQ rocketmq, String topic) throws Exception {
        Map<MessageQueue, Long> ends = new HashMap<>();
        for (MessageExt m : TopicContents.readAll(rocketmq, topic)) {
            ends.merge(new MessageQueue(m.getTopic(), m.getBrokerName(), m.getQueueId()), m.getQueueOffset() + 1, Math::max);
        }
        return ends;
    }
}
