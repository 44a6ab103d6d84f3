package learn.rocketmq.internals.security;

import org.apache.rocketmq.client.exception.MQBrokerException;
import org.apache.rocketmq.client.exception.MQClientException;

/** A security lesson's case as one line: what the call returned, or what the broker refused and why. */
public final class Outcomes {

    /** A call that may be refused. */
    public interface Call {
        String run() throws Exception;
    }

    private Outcomes() {
    }

    /** The call's result, or "refused: CODE <code> <the broker's words>" (the exception the learner sees). */
    public static String of(Call call) {
        try {
            return call.run();
        } catch (MQBrokerException e) {
            return "refused: CODE " + e.getResponseCode() + " " + e.getErrorMessage();
        } catch (MQClientException e) {
            if (e.getCause() instanceof MQBrokerException b) {
                return "refused: CODE " + b.getResponseCode() + " " + b.getErrorMessage();
            }
            return e.getResponseCode() > 0 ? "refused: CODE " + e.getResponseCode() + " " + e.getErrorMessage() : "failed: " + e.getErrorMessage();
        } catch (Exception e) {
            return "failed: " + e;
        }
    }
}
