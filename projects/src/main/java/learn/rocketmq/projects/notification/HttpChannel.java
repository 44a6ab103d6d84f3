package learn.rocketmq.projects.notification;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * SMS or push through a provider's HTTP API: a POST per notification, the notification id as
 * the {@code Idempotency-Key} (what real providers offer against double sends). 2xx: accepted;
 * 4xx: the request itself is wrong ({@link Channel.Permanent}); 5xx or no answer: try later.
 */
public final class HttpChannel implements Channel {

    private final String name;
    private final URI endpoint;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public HttpChannel(String name, URI endpoint) {
        this.name = name;
        this.endpoint = endpoint;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void deliver(Notification notification) throws Exception {
        String body = String.format("{\"to\":\"%s\",\"text\":\"%s\"}", notification.address(name), notification.text().replace("\"", "\\\""));
        HttpRequest request = HttpRequest.newBuilder(endpoint).timeout(Duration.ofSeconds(5))
            .header("Content-Type", "application/json").header("Idempotency-Key", notification.id())
            .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        int status = response.statusCode();
        if (status >= 400 && status < 500) {
            throw new Permanent(name + " provider refused " + notification.id() + ": " + status + " " + response.body());
        }
        if (status >= 300) {
            throw new IllegalStateException(name + " provider unavailable: " + status);
        }
    }
}
