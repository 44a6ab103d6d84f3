package learn.rocketmq.projects.realtimeanalytics;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import learn.rocketmq.stack.RocketMQ;
import learn.rocketmq.stack.RocketMQExtension;
import learn.rocketmq.stack.UniqueNames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The analytics job (RocketMQ Streams 1.1.1, its own JVM) against the test JVM's broker. */
@ExtendWith(RocketMQExtension.class)
class RealTimeAnalyticsTest {

    @Test
    void everyClosedMinuteCountsEachPagesViewsAndDistinctUsersExactly(RocketMQ rocketmq, @TempDir Path dir) throws Exception {
        List<String> dashboard = RealTimeAnalytics.run(rocketmq, UniqueNames.of("PageViews"), UniqueNames.of("PageViewsPerMinute"),
            UniqueNames.of("page-views"), dir);

        // The same views counted here by a plain group-by: minutes 10:00 to 10:03 closed, 10:04 still open.
        List<String> expected = new ArrayList<>();
        List<List<RealTimeAnalytics.View>> minutes = RealTimeAnalytics.views();
        for (int m = 0; m < minutes.size() - 1; m++) {
            for (String page : RealTimeAnalytics.PAGES) {
                List<RealTimeAnalytics.View> views = minutes.get(m).stream().filter(v -> v.page().equals(page)).toList();
                Set<String> users = new HashSet<>();
                views.forEach(v -> users.add(v.user()));
                if (!views.isEmpty()) {
                    expected.add(String.format("10:%02d %s %d views %d users", m, page, views.size(), users.size()));
                }
            }
        }
        assertThat(expected).hasSizeGreaterThanOrEqualTo(10);
        assertThat(dashboard).containsExactlyInAnyOrderElementsOf(expected);
    }
}
