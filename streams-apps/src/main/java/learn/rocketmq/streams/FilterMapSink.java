package learn.rocketmq.streams;

import java.nio.charset.StandardCharsets;
import org.apache.rocketmq.streams.core.RocketMQStream;
import org.apache.rocketmq.streams.core.rstream.StreamBuilder;
import org.apache.rocketmq.streams.core.util.Pair;

/**
 * A RocketMQ Streams application: orders from a topic, the big ones kept ({@code filter}), each
 * turned into a line ({@code map}), the lines written to another topic ({@code sink}). Run by the
 * lesson {@code StreamApi} in a JVM of its own; arguments: {@code --namesrv --job --source --sink}.
 */
public class FilterMapSink {

    public static void main(String[] args) throws Exception {
        StreamsApp app = StreamsApp.from(args);
        StreamBuilder builder = new StreamBuilder(app.job());
        builder.source(app.source(), body -> new Pair<Void, Order>(null, Order.parse(body)))
            .foreach(app::seen)
            .filter(order -> order.amount() >= 100)
            .map(order -> order.customer() + " spent " + order.amount())
            .sink(app.sink(), (key, line) -> line.getBytes(StandardCharsets.UTF_8));
        app.run(new RocketMQStream(builder.build(), app.properties()));
    }
}
