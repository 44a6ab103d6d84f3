package learn.rocketmq.patterns.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import java.nio.file.Path;
import learn.rocketmq.patterns.testing.ChaosHistory.Op;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The checker on a history written by hand: each count it reports is seen going up (no broker). */
class ChaosCheckerTest {

    @Test
    void countsLostDuplicatedReorderedStoredThoughFailedAndUnexpected(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("history.log");
        try (ChaosHistory h = new ChaosHistory(file)) {
            for (int seq = 0; seq < 4; seq++) {
                h.record(Op.INVOKE, "k", seq, "");
                h.record(seq == 3 ? Op.FAIL : Op.OK, "k", seq, "id" + seq);
            }
            h.fault(Op.FAULT, "SIGKILL broker-a");
            h.record(Op.RECEIVE, "k", 0, "");
            h.record(Op.RECEIVE, "k", 2, "");
            h.record(Op.RECEIVE, "k", 0, "");   // a duplicate
            h.record(Op.RECEIVE, "k", 3, "");   // stored though its send failed
            h.record(Op.RECEIVE, "x", 9, "");   // never sent
            h.fault(Op.HEAL, "SIGKILL broker-a");
        }
        ChaosChecker.Report r = ChaosChecker.check(ChaosHistory.read(file));

        assertThat(r.enqueued()).isEqualTo(4);
        assertThat(r.acknowledged()).isEqualTo(3);
        assertThat(r.failed()).isEqualTo(1);
        assertThat(r.lost()).containsExactly("k#1");
        assertThat(r.duplicated()).isEqualTo(1);
        assertThat(r.storedThoughFailed()).isEqualTo(1);
        assertThat(r.unexpected()).isEqualTo(1);
        assertThat(r.outOfOrder()).isZero();
        assertThat(r.faults()).containsExactly("FAULT SIGKILL broker-a", "HEAL SIGKILL broker-a");
        assertThat(r.failedAfter()).containsExactly(entry("no fault yet", 1));
    }

    @Test
    void aKeysEarlierMessageDeliveredAfterALaterOneIsOutOfOrder(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("history.log");
        try (ChaosHistory h = new ChaosHistory(file)) {
            for (int seq = 0; seq < 3; seq++) {
                h.record(Op.INVOKE, "k", seq, "");
                h.record(Op.OK, "k", seq, "");
            }
            h.record(Op.RECEIVE, "k", 0, "");
            h.record(Op.RECEIVE, "k", 2, "");
            h.record(Op.RECEIVE, "k", 1, "");
        }
        ChaosChecker.Report r = ChaosChecker.check(ChaosHistory.read(file));
        assertThat(r.outOfOrder()).isEqualTo(1);
        assertThat(r.lost()).isEmpty();
    }
}
