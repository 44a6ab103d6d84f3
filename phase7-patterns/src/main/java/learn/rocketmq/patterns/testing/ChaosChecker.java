package learn.rocketmq.patterns.testing;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a {@link ChaosHistory} and counts what the run did to the messages, as OpenChaos's queue
 * checker does: a message is one send invocation ({@code key}, {@code seq}).
 * <ul>
 *   <li><b>lost</b>: acknowledged (the send returned OK) and never received: the one count a durable
 *   configuration must keep at 0;</li>
 *   <li><b>duplicated</b>: deliveries beyond the first (at-least-once allows them: a consumer whose
 *   offset commit died with a broker, a send retried after its first attempt was stored);</li>
 *   <li><b>out of order</b>: a first delivery of a key's {@code seq} after a later {@code seq} of the same
 *   key had been delivered (the workload sends each key's messages one after the other);</li>
 *   <li><b>stored though failed</b>: received although its send failed (a time-out is not a "no");</li>
 *   <li><b>unexpected</b>: received but never sent: a checker or workload bug, never the broker's.</li>
 * </ul>
 * And the failed sends by the fault that was injected last before them (during it or in the quiet
 * time after its heal), so each fault's cost to the producers can be read off.
 */
public final class ChaosChecker {

    private ChaosChecker() {
    }

    public record Report(int enqueued, int acknowledged, int failed, int received, List<String> lost, int duplicated,
                         int outOfOrder, int storedThoughFailed, int unexpected, List<String> faults,
                         Map<String, Integer> failedAfter) {

        @Override
        public String toString() {
            return String.format("enqueued %d, acknowledged %d, failed %d; received %d distinct; lost %d, duplicated %d,"
                    + " out of order %d, stored though failed %d, unexpected %d", enqueued, acknowledged, failed, received,
                lost.size(), duplicated, outOfOrder, storedThoughFailed, unexpected);
        }
    }

    public static Report check(List<ChaosHistory.Event> history) {
        Set<String> invoked = new HashSet<>();
        Set<String> acknowledged = new HashSet<>();
        Set<String> failed = new HashSet<>();
        Set<String> received = new HashSet<>();
        Map<String, Long> highestSeqReceived = new HashMap<>();
        List<String> faults = new ArrayList<>();
        Map<String, Integer> failedAfter = new LinkedHashMap<>(); // by the last fault injected before the failure
        String lastFault = "no fault yet";
        int duplicated = 0;
        int outOfOrder = 0;
        int unexpected = 0;
        for (ChaosHistory.Event e : history) {
            String id = e.key() + "#" + e.seq();
            switch (e.op()) {
                case INVOKE -> invoked.add(id);
                case OK -> acknowledged.add(id);
                case FAIL -> {
                    failed.add(id);
                    failedAfter.merge(lastFault, 1, Integer::sum);
                }
                case RECEIVE -> {
                    if (!invoked.contains(id)) {
                        unexpected++;
                    } else if (!received.add(id)) {
                        duplicated++;
                    } else {
                        long highest = highestSeqReceived.getOrDefault(e.key(), -1L);
                        if (e.seq() < highest) {
                            outOfOrder++;
                        }
                        highestSeqReceived.put(e.key(), Math.max(highest, e.seq()));
                    }
                }
                case FAULT, HEAL -> {
                    faults.add(e.op() + " " + e.detail());
                    lastFault = e.op() == ChaosHistory.Op.FAULT ? e.detail() : lastFault;
                }
            }
        }
        List<String> lost = acknowledged.stream().filter(id -> !received.contains(id)).sorted().toList();
        int storedThoughFailed = (int) failed.stream().filter(received::contains).count();
        return new Report(invoked.size(), acknowledged.size(), failed.size(), received.size(), lost, duplicated, outOfOrder,
            storedThoughFailed, unexpected, faults, failedAfter);
    }
}
