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

/**
 * The real-time analytics project's Streams job: page views per page and minute of event time, with
 * their distinct users ({@link PageViewTotals}), written to the sink as {@code page,start,end,views,users}
 * when each minute closes. Run by {@code RealTimeAnalytics}; arguments: {@code --namesrv --job --source --sink}.
 */
public class PageViewAnalytics {

    public static void main(String[] args) throws Exception {
        StreamsApp app = StreamsApp.from(args);
        StreamBuilder builder = new StreamBuilder(app.job());
        builder.source(app.source(), body -> new Pair<Void, PageView>(null, PageView.parse(body)))
            .foreach(app::seen)
            .selectTimestamp(PageView::eventTime)
            .keyBy(PageView::page)
            .window(WindowBuilder.tumblingWindow(Time.minutes(1)))
            .aggregate(new PageViewTotals())
            .sink(app.sink(), (page, line) -> line.isEmpty() ? new byte[0] : (page + "," + line).getBytes(StandardCharsets.UTF_8));

        Properties properties = app.properties();
        properties.put(StreamConfig.TIME_TYPE, TimeType.EVENT_TIME);
        properties.put(StreamConfig.ALLOW_LATENESS_MILLISECOND, 5000);
        app.run(new RocketMQStream(builder.build(), properties));
    }
}
