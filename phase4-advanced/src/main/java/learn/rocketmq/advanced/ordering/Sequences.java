package learn.rocketmq.advanced.ordering;

import java.util.List;

/** How the ordering lessons check an order: a sequence of step numbers as consumed. */
final class Sequences {

    private Sequences() {
    }

    /** Whether each number is at least the one before it: consumed in the order sent. */
    static boolean isAscending(List<Integer> sequence) {
        for (int i = 1; i < sequence.size(); i++) {
            if (sequence.get(i) < sequence.get(i - 1)) {
                return false;
            }
        }
        return true;
    }
}
