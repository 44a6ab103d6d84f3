package learn.rocketmq.stack;

import com.alibaba.fastjson2.JSON;
import com.alibaba.fastjson2.JSONArray;
import com.alibaba.fastjson2.JSONObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A real Prometheus (the machine's own: Debian's {@code prometheus} package, Homebrew's on macOS)
 * scraping the brokers' exporters every second, on a free port of 127.0.0.1, with its data in a
 * temporary directory. Queries go through its HTTP API ({@code /api/v1/query}), as Grafana's and
 * every dashboard's do. Started for a lesson or a test and ended with it.
 */
public final class Prometheus implements AutoCloseable {

    static final String INSTALL = "sudo apt-get install prometheus (Debian, Ubuntu) or brew install prometheus (macOS)";

    private final MonitoringProcess process;

    private Prometheus(MonitoringProcess process) {
        this.process = process;
    }

    /** Scrapes {@code targets} (host:port of exporters serving {@code /metrics}) every second. */
    public static Prometheus scraping(List<String> targets) {
        return start(targets, null, null);
    }

    /**
     * Scrapes {@code targets}, evaluates the alerting rules of {@code ruleFile} every second and
     * sends what fires to the Alertmanager at {@code alertmanager} (host:port); either may be null.
     */
    public static Prometheus start(List<String> targets, Path ruleFile, String alertmanager) {
        return start(targets, ruleFile, alertmanager, java.time.Duration.ofSeconds(1));
    }

    /**
     * The same, scraping and evaluating every {@code interval}; a scrape that takes longer than
     * {@code interval} counts as failed ({@code up} 0). A scrape of a 5.5.0 broker walks its timer wheel:
     * 75 to 300 ms of CPU here, seconds on a loaded machine (docs/rocketmq-5.5-behaviour.md).
     */
    public static Prometheus start(List<String> targets, Path ruleFile, String alertmanager, java.time.Duration interval) {
        Path program = MonitoringProcess.find("Prometheus", INSTALL, "prometheus");
        int port = MonitoringProcess.freePort();
        try {
            Path dir = ServerProcess.newMemberDir("prometheus");
            StringBuilder config = new StringBuilder()
                .append("global:\n  scrape_interval: ").append(interval.toMillis()).append("ms\n  evaluation_interval: ")
                .append(interval.toMillis()).append("ms\n")
                .append("scrape_configs:\n  - job_name: rocketmq\n    static_configs:\n      - targets: [")
                .append(targets.stream().map(t -> "'" + t + "'").collect(Collectors.joining(", "))).append("]\n");
            if (ruleFile != null) {
                Files.copy(ruleFile, dir.resolve("rules.yml"));
                config.append("rule_files: ['rules.yml']\n");
            }
            if (alertmanager != null) {
                config.append("alerting:\n  alertmanagers:\n    - static_configs:\n        - targets: ['").append(alertmanager).append("']\n");
            }
            Files.writeString(dir.resolve("prometheus.yml"), config);
            String address = "127.0.0.1:" + port;
            return new Prometheus(MonitoringProcess.start("prometheus", program, List.of(
                "--config.file=" + dir.resolve("prometheus.yml"),
                "--storage.tsdb.path=" + dir.resolve("data"),
                "--web.listen-address=" + address), dir, address, "/-/ready"));
        } catch (IOException e) {
            throw new UncheckedIOException("could not start Prometheus: " + e.getMessage(), e);
        }
    }

    /**
     * The project's alert rules for RocketMQ ({@code config/prometheus/rocketmq-alerts.yml}), with
     * their promtool unit tests beside them ({@code rocketmq-alerts.test.yml}): copied from the
     * class path into a directory of their own.
     */
    public static Path alertRules() {
        try {
            Path dir = Files.createDirectories(WorkDir.WORK.resolve("prometheus-rules"));
            for (String file : List.of("rocketmq-alerts.yml", "rocketmq-alerts.test.yml")) {
                try (java.io.InputStream in = Prometheus.class.getResourceAsStream("config/prometheus/" + file)) {
                    if (in == null) {
                        throw new IllegalStateException(file + " is not on the class path (build the stack module)");
                    }
                    Path tmp = Files.createTempFile(dir, file, ".part");
                    Files.copy(in, tmp, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                    Files.move(tmp, dir.resolve(file), java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                }
            }
            return dir.resolve("rocketmq-alerts.yml");
        } catch (IOException e) {
            throw new UncheckedIOException("could not copy the alert rules: " + e.getMessage(), e);
        }
    }

    /** {@code promtool}, which comes with Prometheus: checks rule files and runs their unit tests offline. */
    public static Path promtool() {
        return MonitoringProcess.find("promtool (it comes with Prometheus)", INSTALL, "promtool");
    }

    /** host:port of its HTTP API and web page. */
    public String address() {
        return process.address();
    }

    /** The result of an instant query: each series' labels (as {@code {k=v, ...}}) and value. */
    public Map<String, Double> query(String promql) {
        Map<String, Double> values = new LinkedHashMap<>();
        JSONArray result = api("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8)).getJSONArray("result");
        for (int i = 0; i < result.size(); i++) {
            JSONObject series = result.getJSONObject(i);
            values.put(new java.util.TreeMap<>(series.getJSONObject("metric").toJavaObject(Map.class)).toString(),
                Double.parseDouble(series.getJSONArray("value").getString(1)));
        }
        return values;
    }

    /** The value of a query that gives one series (a {@code sum(...)}, say); NaN when it gives none yet. */
    public double value(String promql) {
        return query(promql).values().stream().findFirst().orElse(Double.NaN);
    }

    /** Every metric name Prometheus has scraped that starts with {@code prefix}. */
    public List<String> metricNames(String prefix) {
        List<String> names = new ArrayList<>();
        JSONObject answer = JSON.parseObject(get("/api/v1/label/__name__/values"));
        answer.getJSONArray("data").forEach(n -> {
            if (n.toString().startsWith(prefix)) {
                names.add(n.toString());
            }
        });
        return names;
    }

    /** Whether every target answered its last scrape ({@code up == 1}). */
    public boolean targetsUp() {
        Map<String, Double> up = query("up");
        return !up.isEmpty() && up.values().stream().allMatch(v -> v == 1.0);
    }

    /**
     * Each target's last scrape, as its targets page shows it: instance to {@code "up in 0.031 s"},
     * or {@code "down after 2.000 s: <the error>"} (a scrape slower than the interval: {@code
     * context deadline exceeded}).
     */
    public Map<String, String> targets() {
        Map<String, String> targets = new java.util.TreeMap<>();
        JSONArray active = api("/api/v1/targets?state=active").getJSONArray("activeTargets");
        for (int i = 0; i < active.size(); i++) {
            JSONObject t = active.getJSONObject(i);
            String took = String.format(java.util.Locale.ROOT, "%.3f s", t.getDoubleValue("lastScrapeDuration"));
            String error = t.getString("lastError");
            targets.put(t.getJSONObject("labels").getString("instance"), error == null || error.isEmpty()
                ? t.getString("health") + " in " + took : t.getString("health") + " after " + took + ": " + error);
        }
        return targets;
    }

    /** The alerts Prometheus's rules hold now: name to state ({@code pending} or {@code firing}). */
    public Map<String, String> alerts() {
        Map<String, String> alerts = new LinkedHashMap<>();
        JSONArray list = api("/api/v1/alerts").getJSONArray("alerts");
        for (int i = 0; i < list.size(); i++) {
            JSONObject a = list.getJSONObject(i);
            alerts.put(a.getJSONObject("labels").getString("alertname"), a.getString("state"));
        }
        return alerts;
    }

    private JSONObject api(String path) {
        JSONObject answer = JSON.parseObject(get(path));
        if (!"success".equals(answer.getString("status"))) {
            throw new IllegalArgumentException("Prometheus refused " + path + ": " + answer.getString("error"));
        }
        return answer.getJSONObject("data");
    }

    private String get(String path) {
        return process.get(path).map(r -> r.body())
            .orElseThrow(() -> new RocketMQUnavailableException("Prometheus at " + address() + " does not answer"));
    }

    @Override
    public void close() {
        process.close();
    }

    @Override
    public String toString() {
        return "Prometheus at http://" + address();
    }
}
