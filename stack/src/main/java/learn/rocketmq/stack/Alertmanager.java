package learn.rocketmq.stack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A real Alertmanager (Debian's {@code prometheus-alertmanager} package, Homebrew's
 * {@code alertmanager} on macOS) on a free port of 127.0.0.1: it takes the alerts Prometheus
 * fires, groups them and calls a webhook, once when they fire and once when they are resolved.
 * Grouping waits are a second (production: tens of seconds to minutes), so a lesson sees its
 * notification at once. Clustering is off: one instance, nothing listens beyond loopback.
 */
public final class Alertmanager implements AutoCloseable {

    static final String INSTALL = "sudo apt-get install prometheus-alertmanager (Debian, Ubuntu) or brew install alertmanager (macOS)";

    private final MonitoringProcess process;

    private Alertmanager(MonitoringProcess process) {
        this.process = process;
    }

    /** Sends every notification, firing and resolved, to {@code webhookUrl} (an HTTP POST of JSON). */
    public static Alertmanager notifying(String webhookUrl) {
        Path program = MonitoringProcess.find("Alertmanager", INSTALL, "prometheus-alertmanager", "alertmanager");
        int port = MonitoringProcess.freePort();
        try {
            Path dir = ServerProcess.newMemberDir("alertmanager");
            Files.writeString(dir.resolve("alertmanager.yml"), """
                route:
                  receiver: lesson
                  group_by: ['alertname']
                  group_wait: 1s
                  group_interval: 1s
                  repeat_interval: 1h
                receivers:
                  - name: lesson
                    webhook_configs:
                      - url: '%s'
                        send_resolved: true
                """.formatted(webhookUrl));
            String address = "127.0.0.1:" + port;
            return new Alertmanager(MonitoringProcess.start("alertmanager", program, List.of(
                "--config.file=" + dir.resolve("alertmanager.yml"),
                "--storage.path=" + dir.resolve("data"),
                "--web.listen-address=" + address,
                "--cluster.listen-address="), dir, address, "/-/ready"));
        } catch (IOException e) {
            throw new UncheckedIOException("could not start Alertmanager: " + e.getMessage(), e);
        }
    }

    /** host:port, for Prometheus's {@code alerting} section and its web page. */
    public String address() {
        return process.address();
    }

    @Override
    public void close() {
        process.close();
    }

    @Override
    public String toString() {
        return "Alertmanager at http://" + address();
    }
}
