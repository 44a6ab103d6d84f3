package learn.rocketmq.streams;

import java.nio.charset.StandardCharsets;
import org.apache.rocketmq.streams.core.RocketMQStream;
import org.apache.rocketmq.streams.core.rstream.StreamBuilder;
import org.apache.rocketmq.streams.core.util.Pair;

/**
 * Stateful processing: each customer's running total ({@code keyBy(customer)}, then {@link OrderTotals}
 * as keyed state), written to the sink as {@code customer,orders,total} after every order. Run by the
 * lesson {@code StatefulProcessing}, which kills it and starts it again; arguments:
 * {@code --namesrv --job --source --sink}.
 */
public class CustomerTotals {

    public static void main(String[] args) throws Exception {
        StreamsApp app = StreamsApp.from(args);
        StreamBuilder builder = new StreamBuilder(app.job());
        builder.source(app.source(), body -> new Pair<Void, Order>(null, Order.parse(body)))
            .foreach(app::seen)
            .keyBy(Order::customer)
            .aggregate(new OrderTotals())
            .sink(app.sink(), (customer, line) -> line.isEmpty() ? new byte[0] : (customer + "," + line).getBytes(StandardCharsets.UTF_8));
        app.run(new RocketMQStream(builder.build(), app.properties()));
    }
}
