package learn.rocketmq.projects.distributedsystem;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The external payment provider the payment service calls (a real HTTP server; in production a
 * third party you cannot restart or fix): {@code POST /charges?order=&amount=&card=}. 200 charged,
 * 402 declined (over the card's limit), 400 invalid (a card number starting 0000), 503 while it is
 * down. Like real providers it is idempotent by key: the same order asked again gets the same
 * answer and is charged once. It keeps what it charged, the ground truth the checker compares with.
 */
final class PaymentGateway implements AutoCloseable {

    static final long CARD_LIMIT = 1000;

    private final HttpServer server;
    private volatile boolean up = true;
    private final Map<String, Integer> answers = new ConcurrentHashMap<>();
    private final Map<String, Long> charges = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> answeredRequests = new ConcurrentHashMap<>();
    private final AtomicInteger refusedWhileDown = new AtomicInteger();

    private PaymentGateway(HttpServer server) {
        this.server = server;
    }

    static PaymentGateway start() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        PaymentGateway gateway = new PaymentGateway(server);
        server.createContext("/charges", exchange -> {
            Map<String, String> q = new TreeMap<>();
            for (String pair : exchange.getRequestURI().getQuery().split("&")) {
                String[] kv = pair.split("=", 2);
                q.put(kv[0], kv.length > 1 ? kv[1] : "");
            }
            int status;
            if (!gateway.up) {
                gateway.refusedWhileDown.incrementAndGet();
                status = 503;
            } else {
                String order = q.get("order");
                long amount = Long.parseLong(q.get("amount"));
                gateway.answeredRequests.computeIfAbsent(order, k -> new AtomicInteger()).incrementAndGet();
                status = gateway.answers.computeIfAbsent(order, k ->
                    q.get("card").startsWith("0000") ? 400 : amount > CARD_LIMIT ? 402 : 200);
                if (status == 200) {
                    gateway.charges.putIfAbsent(order, amount);
                }
            }
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        server.start();
        return gateway;
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    void down() {
        up = false;
    }

    void up() {
        up = true;
    }

    /** Order id → amount charged, once per order whatever the number of requests. */
    Map<String, Long> charges() {
        return new TreeMap<>(charges);
    }

    /** Requests answered beyond the first of each order: what the idempotency key absorbed. */
    int repeatedRequests() {
        return answeredRequests.values().stream().mapToInt(n -> n.get() - 1).sum();
    }

    int refusedWhileDown() {
        return refusedWhileDown.get();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
