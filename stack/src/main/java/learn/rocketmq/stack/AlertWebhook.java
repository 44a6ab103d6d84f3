package learn.rocketmq.stack;

import com.alibaba.fastjson2.JSON;
import com.alibaba.fastjson2.JSONArray;
import com.alibaba.fastjson2.JSONObject;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The receiving end of {@link Alertmanager}'s webhook, on 127.0.0.1 and a free port: what an
 * on-call tool (chat, paging) does with a notification; here each alert of it is kept.
 */
public final class AlertWebhook implements AutoCloseable {

    /** One alert of a notification: {@code firing} or {@code resolved}, its name, its target, its summary, when it came. */
    public record Notification(String status, String alertname, String instance, String summary, long receivedAt) {
        @Override
        public String toString() {
            return status + " " + alertname + ": " + summary;
        }
    }

    private final HttpServer server;
    private final List<Notification> received = new CopyOnWriteArrayList<>();

    private AlertWebhook(HttpServer server) {
        this.server = server;
    }

    public static AlertWebhook start() {
        try {
            AlertWebhook webhook = new AlertWebhook(HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0));
            webhook.server.createContext("/alerts", exchange -> {
                JSONObject body = JSON.parseObject(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
                JSONArray alerts = body.getJSONArray("alerts");
                for (int i = 0; i < alerts.size(); i++) {
                    JSONObject a = alerts.getJSONObject(i);
                    JSONObject labels = a.getJSONObject("labels");
                    Notification n = new Notification(a.getString("status"), labels.getString("alertname"),
                        labels.getString("instance"), a.getJSONObject("annotations").getString("summary"), System.currentTimeMillis());
                    webhook.received.add(n);
                }
                exchange.sendResponseHeaders(200, -1);
                exchange.close();
            });
            webhook.server.start();
            return webhook;
        } catch (IOException e) {
            throw new UncheckedIOException("could not start the alert webhook: " + e.getMessage(), e);
        }
    }

    /** The URL to give Alertmanager ({@link Alertmanager#notifying}). */
    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/alerts";
    }

    /** Every alert received so far, in order. */
    public List<Notification> notifications() {
        return List.copyOf(received);
    }

    /** The first alert received with this status ({@code firing}, {@code resolved}) and name, or null. */
    public Notification first(String status, String alertname) {
        return received.stream().filter(n -> n.status().equals(status) && n.alertname().equals(alertname)).findFirst().orElse(null);
    }

    /** The last alert received, or null. */
    public Notification last() {
        return received.isEmpty() ? null : received.get(received.size() - 1);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
