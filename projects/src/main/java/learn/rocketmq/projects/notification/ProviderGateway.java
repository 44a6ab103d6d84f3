package learn.rocketmq.projects.notification;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stand-in for an SMS or push provider's HTTP API: a real HTTP server (the JDK's) on a free
 * loopback port. It accepts {@code POST /send}, refuses numbers starting with {@code +000} (400:
 * no such number) and, while {@link #setDown} is on, answers 503 to everything. It records what
 * it accepted, with the idempotency key.
 */
public final class ProviderGateway implements AutoCloseable {

    /** An accepted request: the idempotency key (the notification id) and the JSON body. */
    public record Accepted(String idempotencyKey, String body) {
    }

    private final HttpServer server;
    private final List<Accepted> accepted = new ArrayList<>();
    private final AtomicBoolean down = new AtomicBoolean();
    private final AtomicInteger refusedWhileDown = new AtomicInteger();
    private final AtomicInteger rejected = new AtomicInteger();

    public ProviderGateway() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/send", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            int status;
            if (down.get()) {
                refusedWhileDown.incrementAndGet();
                status = 503;
            } else if (body.contains("\"to\":\"+000")) {
                rejected.incrementAndGet();
                status = 400;
            } else {
                synchronized (accepted) {
                    accepted.add(new Accepted(exchange.getRequestHeaders().getFirst("Idempotency-Key"), body));
                }
                status = 200;
            }
            byte[] answer = (status == 200 ? "accepted" : status == 400 ? "no such number" : "unavailable").getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        server.start();
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/send");
    }

    public void setDown(boolean isDown) {
        down.set(isDown);
    }

    public List<Accepted> accepted() {
        synchronized (accepted) {
            return List.copyOf(accepted);
        }
    }

    /** Requests refused as invalid (400). */
    public int rejected() {
        return rejected.get();
    }

    public int refusedWhileDown() {
        return refusedWhileDown.get();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
