package learn.rocketmq.streams;

import java.nio.charset.StandardCharsets;
import java.util.Properties;
import org.apache.rocketmq.streams.core.RocketMQStream;
import org.apache.rocketmq.streams.core.metadata.StreamConfig;
import org.apache.rocketmq.streams.core.rstream.StreamBuilder;
import org.apache.rocketmq.streams.core.util.Pair;
import org.apache.rocketmq.streams.core.window.Time;
import org.apache.rocketmq.streams.core.window.TimeType;
import org.apache.rocketmq.streams.core.window.WindowBuilder;
import org.apache.rocketmq.streams.core.window.WindowInfo;

/**
 * Orders per customer and window, in event time: {@code keyBy(customer)} then a tumbling (60 s), sliding
 * (60 s every 30 s) or session (30 s gap) window ({@code --window}), each window's orders and total
 * ({@link OrderTotals}) written to the sink as {@code customer,start,end,orders,total} when it fires.
 * Run by the lesson {@code WindowOperations}; arguments: {@code --namesrv --job --source --sink --window}.
 */
public class WindowedCounts {

    public static void main(String[] args) throws Exception {
        StreamsApp app = StreamsApp.from(args);
        String kind = StreamsApp.option(args, "--window");
        WindowInfo window = switch (kind) {
            case "tumbling" -> WindowBuilder.tumblingWindow(Time.seconds(60));
            case "sliding" -> WindowBuilder.slidingWindow(Time.seconds(60), Time.seconds(30));
            case "session" -> WindowBuilder.sessionWindow(Time.seconds(30));
            default -> throw new IllegalArgumentException("--window must be tumbling, sliding or session, not " + kind);
        };
        StreamBuilder builder = new StreamBuilder(app.job());
        builder.source(app.source(), body -> new Pair<Void, Order>(null, Order.parse(body)))
            .foreach(app::seen)
            .selectTimestamp(Order::eventTime)      // event time: the time in the order, not when it arrives
            .keyBy(Order::customer)                 // through a shuffle topic: one customer, one queue
            .window(window)
            .aggregate(new OrderTotals())
            .sink(app.sink(), (customer, line) -> line.isEmpty() ? new byte[0] : (customer + "," + line).getBytes(StandardCharsets.UTF_8));

        Properties properties = app.properties();
        properties.put(StreamConfig.TIME_TYPE, TimeType.EVENT_TIME);
        // The watermark is the latest event time seen minus this: a window fires once the watermark
        // passes its end; a record older than the watermark is dropped.
        properties.put(StreamConfig.ALLOW_LATENESS_MILLISECOND, 5000);
        app.run(new RocketMQStream(builder.build(), properties));
    }
}
