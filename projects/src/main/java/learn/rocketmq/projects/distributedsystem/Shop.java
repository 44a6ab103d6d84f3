package learn.rocketmq.projects.distributedsystem;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import learn.rocketmq.stack.JavaProcess;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQAdmin;
import learn.rocketmq.stack.Wait;
import org.apache.rocketmq.common.attribute.TopicMessageType;

/**
 * The shop's deployment: its four services, each a JVM of its own with its own port and database
 * file, started, killed and restarted like processes in production; the event topic and the
 * consumer groups created up front; orders placed and read over the order service's HTTP API.
 */
final class Shop implements AutoCloseable {

    /** An order as a customer places it. */
    record Order(String id, String sku, int qty, long amount, String card) {
    }

    static final List<String> SERVICES = List.of("order", "inventory", "payment", "dead-letter");
    private static final Map<String, String> MAIN_CLASS = Map.of(
        "order", ShopOrderService.class.getName(), "inventory", ShopInventoryService.class.getName(),
        "payment", ShopPaymentService.class.getName(), "dead-letter", ShopDeadLetterService.class.getName());

    private final RocketMQ rocketmq;
    final String prefix;
    final String topic;
    final Path dir;
    private final PaymentGateway gateway;
    private final String stock;
    private final Map<String, Integer> ports = new LinkedHashMap<>();
    private final Map<String, JavaProcess> running = new ConcurrentHashMap<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    Shop(RocketMQ rocketmq, String prefix, Path dir, PaymentGateway gateway, String stock) throws IOException {
        this.rocketmq = rocketmq;
        this.prefix = prefix;
        this.topic = prefix + "-events";
        this.dir = dir;
        this.gateway = gateway;
        this.stock = stock;
        for (String service : SERVICES) {
            try (ServerSocket free = new ServerSocket(0)) {
                ports.put(service, free.getLocalPort());
            }
        }
    }

    /** One NORMAL topic for every event, a consumer group per service, the payment group's dead-letter queue. */
    void createTopics() throws Exception {
        try (RocketMQAdmin admin = RocketMQAdmin.connect(rocketmq)) {
            admin.createTopic(topic, TopicMessageType.NORMAL, 4);
            admin.createTopic(deadLetterTopic(), TopicMessageType.NORMAL, 1);
            for (String service : SERVICES) {
                admin.createConsumerGroup(prefix + "-" + service);
            }
        }
    }

    /** Starts every service side by side; returns once all are ready. */
    void startAll() throws Exception {
        List<CompletableFuture<Void>> starts = new ArrayList<>();
        for (String service : SERVICES) {
            starts.add(CompletableFuture.runAsync(() -> {
                try {
                    start(service);
                } catch (Exception e) {
                    throw new IllegalStateException(e.getMessage(), e);
                }
            }));
        }
        CompletableFuture.allOf(starts.toArray(CompletableFuture[]::new)).join();
    }

    /** Starts (or starts again) one service and waits until it says it is ready. */
    void start(String service) throws Exception {
        List<String> args = new ArrayList<>(List.of("--namesrv", rocketmq.nameServer(), "--topic", topic, "--prefix", prefix,
            "--data", dir.toString(), "--port", String.valueOf(ports.get(service))));
        switch (service) {
            case "inventory" -> args.addAll(List.of("--stock", stock));
            case "payment" -> args.addAll(List.of("--gateway", gateway.url()));
            default -> { }
        }
        String ready = "[" + service + "] ready";
        JavaProcess before = running.get(service);
        int readyBefore = before == null ? 0 : before.occurrences(ready);
        JavaProcess process = JavaProcess.start(service, MAIN_CLASS.get(service), args, dir);
        running.put(service, process);
        process.awaitOutput(ready, readyBefore, Duration.ofSeconds(60));
    }

    /** Places an order, sending it again while the API does not answer (bounded); records it as accepted. */
    void placeOrder(Order o, Map<String, Order> accepted) throws Exception {
        if (!Wait.until(Duration.ofSeconds(30), "the order service to take " + o.id(), () -> place(o))) {
            throw new IllegalStateException("the order service did not take " + o.id() + " in 30 s; its output: "
                + process("order").outputFile());
        }
        accepted.put(o.id(), o);
    }

    /** Until no accepted order is PLACED any more (each saga ended), bounded. */
    void awaitSettled(Map<String, Order> accepted) throws Exception {
        if (!Wait.until(Duration.ofSeconds(90), "every order's saga to end", () -> {
            Map<String, String> s = statuses();
            return s.keySet().containsAll(accepted.keySet()) && accepted.keySet().stream().noneMatch(id -> s.get(id).equals("PLACED"));
        })) {
            Map<String, String> s = statuses();
            List<String> stuck = accepted.keySet().stream().filter(id -> !s.containsKey(id) || s.get(id).equals("PLACED")).sorted().toList();
            throw new IllegalStateException("orders still in flight after 90 s: " + stuck + " of " + s.size()
                + "; what the services printed about them:\n" + trail(stuck) + "(all their output: " + dir + ")");
        }
    }

    /** Every line the services printed that names one of {@code orderIds}, by service. */
    private String trail(List<String> orderIds) throws IOException {
        StringBuilder trail = new StringBuilder();
        for (Map.Entry<String, JavaProcess> e : running.entrySet()) {
            for (String line : java.nio.file.Files.readAllLines(e.getValue().outputFile())) {
                if (orderIds.stream().anyMatch(line::contains)) {
                    trail.append("  [").append(e.getKey()).append("] ").append(line).append('\n');
                }
            }
        }
        return trail.toString();
    }

    /** SIGKILL: the service dies mid-whatever, as in a crash. */
    void kill(String service) throws InterruptedException {
        running.get(service).kill();
    }

    /**
     * Places an order through the order service's API. False when the service does not answer
     * (down, or killed meanwhile): the caller sends the same order again; the API is idempotent.
     */
    boolean place(Order o) {
        try {
            int status = http.send(HttpRequest.newBuilder(URI.create(orderApi() + "?id=" + o.id() + "&sku=" + o.sku() + "&qty=" + o.qty()
                + "&amount=" + o.amount() + "&card=" + o.card())).timeout(Duration.ofSeconds(5)).POST(HttpRequest.BodyPublishers.noBody())
                .build(), HttpResponse.BodyHandlers.discarding()).statusCode();
            return status == 201 || status == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The order service's view: order id → status and reason; empty while it does not answer. */
    Map<String, String> orders() {
        Map<String, String> orders = new TreeMap<>();
        try {
            String body = http.send(HttpRequest.newBuilder(URI.create(orderApi())).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
            body.lines().filter(l -> !l.isBlank()).forEach(l -> {
                String[] idRest = l.split(" ", 2);
                orders.put(idRest[0], idRest[1].trim());
            });
        } catch (IOException e) {
            return orders;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return orders;
    }

    /** Order id → status only. */
    Map<String, String> statuses() {
        Map<String, String> statuses = new TreeMap<>();
        orders().forEach((id, s) -> statuses.put(id, s.split(" ")[0]));
        return statuses;
    }

    private String orderApi() {
        return "http://127.0.0.1:" + ports.get("order") + "/orders";
    }

    /** The payment group's dead-letter queue, which the dead-letter service reads. */
    String deadLetterTopic() {
        return ShopService.deadLetterTopic(prefix, "payment");
    }

    /** host:port of every service's {@code /metrics}, for Prometheus. */
    List<String> metricsTargets() {
        return ports.values().stream().map(p -> "127.0.0.1:" + p).toList();
    }

    String jdbcUrl(String service) {
        return ShopService.jdbcUrl(dir, service);
    }

    JavaProcess process(String service) {
        return running.get(service);
    }

    /** The outcome a correct shop gives an order (the stock of its SKU either ample or none). */
    static String expectedStatus(Order o, Map<String, Integer> stock) {
        if (stock.getOrDefault(o.sku(), 0) < o.qty()) {
            return "REJECTED";
        }
        return o.card().startsWith("0000") || o.amount() > PaymentGateway.CARD_LIMIT ? "CANCELLED" : "CONFIRMED";
    }

    /** Stops every service cleanly, side by side. */
    void stopAll() {
        CompletableFuture.allOf(running.values().stream().map(p -> CompletableFuture.runAsync(p::stop)).toArray(CompletableFuture[]::new))
            .join();
    }

    @Override
    public void close() {
        stopAll();
    }
}
