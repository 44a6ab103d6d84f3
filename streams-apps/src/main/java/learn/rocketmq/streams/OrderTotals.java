package learn.rocketmq.streams;

import java.util.Properties;
import org.apache.rocketmq.streams.core.common.Constant;
import org.apache.rocketmq.streams.core.function.accumulator.Accumulator;

/**
 * A customer's orders and their total: the state of an aggregation. Streams stores it per key (and per
 * window, behind {@code window}) in RocksDB, and in the state topic at each commit, as JSON, hence the
 * getters and setters. {@link #result}: behind a window, called when it fires with the window's bounds,
 * {@code start,end,orders,total} (epoch milliseconds); without one, called after every order with no
 * header, {@code orders,total}; nothing while only probes were seen.
 */
public class OrderTotals implements Accumulator<Order, String> {

    private int orders;
    private long total;

    @Override
    public void addValue(Order order) {
        // Behind keyBy a record comes out of the shuffle topic; this is the first operator it reaches there,
        // and it runs only once the state is ready.
        StreamsApp.current.seenKey(order.customer());
        if (!order.probe()) {
            orders++;
            total += order.amount();
            StreamsApp.current.counted(order);
        }
    }

    @Override
    public void merge(Accumulator<Order, String> other) {
        OrderTotals o = (OrderTotals) other;
        orders += o.orders;
        total += o.total;
    }

    @Override
    public String result(Properties window) {
        if (orders == 0) {
            return "";
        }
        return (window == null ? "" : window.get(Constant.WINDOW_START_TIME) + "," + window.get(Constant.WINDOW_END_TIME) + ",") + orders + "," + total;
    }

    @Override
    public Accumulator<Order, String> clone() {
        OrderTotals copy = new OrderTotals();
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
