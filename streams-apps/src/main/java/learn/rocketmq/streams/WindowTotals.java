package learn.rocketmq.streams;

import java.util.Properties;
import org.apache.rocketmq.streams.core.common.Constant;
import org.apache.rocketmq.streams.core.function.accumulator.Accumulator;

/**
 * What a window keeps per key: how many orders and their total. Streams stores it per window and key
 * (in RocksDB, and in the state topic at each commit) as JSON, hence the getters and setters; when the
 * window fires, {@link #result} gets the window's bounds in its header and returns one line,
 * {@code start,end,orders,total} (epoch milliseconds), or nothing for a window that only saw probes.
 */
public class WindowTotals implements Accumulator<Order, String> {

    private int orders;
    private long total;

    @Override
    public void addValue(Order order) {
        // Behind keyBy a record comes out of the shuffle topic; this is the first operator it reaches there.
        StreamsApp.current.seenKey(order.customer());
        if (!order.probe()) {
            orders++;
            total += order.amount();
            StreamsApp.current.counted(order);
        }
    }

    @Override
    public void merge(Accumulator<Order, String> other) {
        WindowTotals o = (WindowTotals) other;
        orders += o.orders;
        total += o.total;
    }

    @Override
    public String result(Properties window) {
        return orders == 0 ? "" : window.get(Constant.WINDOW_START_TIME) + "," + window.get(Constant.WINDOW_END_TIME) + "," + orders + "," + total;
    }

    @Override
    public Accumulator<Order, String> clone() {
        WindowTotals copy = new WindowTotals();
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
