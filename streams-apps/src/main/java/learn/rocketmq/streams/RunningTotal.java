package learn.rocketmq.streams;

import java.util.Properties;
import org.apache.rocketmq.streams.core.function.accumulator.Accumulator;

/**
 * A customer's running total: orders and amount so far. Keyed state with no window: Streams keeps it per
 * key in RocksDB and, at each commit, sends it to the state topic, from which a restarted job rebuilds
 * it. {@link #result} is {@code orders,total}, written to the sink after every order.
 */
public class RunningTotal implements Accumulator<Order, String> {

    private int orders;
    private long total;

    @Override
    public void addValue(Order order) {
        StreamsApp.current.seenKey(order.customer());   // behind the shuffle, once the state is ready
        if (!order.probe()) {
            orders++;
            total += order.amount();
            StreamsApp.current.counted(order);
        }
    }

    @Override
    public void merge(Accumulator<Order, String> other) {
        RunningTotal o = (RunningTotal) other;
        orders += o.orders;
        total += o.total;
    }

    @Override
    public String result(Properties context) {
        return orders == 0 ? "" : orders + "," + total;
    }

    @Override
    public Accumulator<Order, String> clone() {
        RunningTotal copy = new RunningTotal();
        copy.orders = orders;
        copy.total = total;
        return copy;
    }

    public int getOrders() {
        return orders;
    }

    public void setOrders(int orders) {
        this.orders = orders;
    }

    public long getTotal() {
        return total;
    }

    public void setTotal(long total) {
        this.total = total;
    }
}
