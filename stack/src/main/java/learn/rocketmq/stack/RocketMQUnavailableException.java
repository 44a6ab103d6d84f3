package learn.rocketmq.stack;

/** No RocketMQ answers where one was expected; the message says what to do. */
public class RocketMQUnavailableException extends RuntimeException {
    public RocketMQUnavailableException(String message) {
        super(message);
    }
}
