package learn.rocketmq.streams;

import java.util.Properties;
import java.util.TreeSet;
import org.apache.rocketmq.streams.core.common.Constant;
import org.apache.rocketmq.streams.core.function.accumulator.Accumulator;

/**
 * A page's minute: its views and its distinct users. Keyed state, kept by Streams per window and page
 * (RocksDB, and the state topic at each commit) as JSON; {@link #result} writes
 * {@code start,end,views,users} when the window fires, or nothing for a window of probes only.
 */
public class PageViewTotals implements Accumulator<PageView, String> {

    private int views;
    private TreeSet<String> users = new TreeSet<>();

    @Override
    public void addValue(PageView view) {
        StreamsApp.current.seenKey(view.page());   // the first operator behind the shuffle, once the state is ready
        if (!view.probe()) {
            views++;
            users.add(view.user());
        }
    }

    @Override
    public void merge(Accumulator<PageView, String> other) {
        PageViewTotals o = (PageViewTotals) other;
        views += o.views;
        users.addAll(o.users);
    }

    @Override
    public String result(Properties window) {
        return views == 0 ? "" : window.get(Constant.WINDOW_START_TIME) + "," + window.get(Constant.WINDOW_END_TIME) + "," + views + "," + users.size();
    }

    @Override
    public Accumulator<PageView, String> clone() {
        PageViewTotals copy = new PageViewTotals();
        copy.views = views;
        copy.users = new TreeSet<>(users);
        return copy;
    }

    public int getViews() {
        return views;
    }

    public void setViews(int views) {
        this.views = views;
    }

    public TreeSet<String> getUsers() {
        return users;
    }

    public void setUsers(TreeSet<String> users) {
        this.users = users;
    }
}
