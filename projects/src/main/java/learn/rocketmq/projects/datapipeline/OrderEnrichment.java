package learn.rocketmq.projects.datapipeline;

import io.openmessaging.KeyValue;
import io.openmessaging.connector.api.component.Transform;
import io.openmessaging.connector.api.data.ConnectRecord;
import io.openmessaging.connector.api.data.Schema;
import io.openmessaging.connector.api.data.SchemaBuilder;
import io.openmessaging.connector.api.data.Struct;

/**
 * The pipeline's transform step (RocketMQ Connect's {@link Transform} API), applied by the worker
 * to each order row between the source task and the topic: test orders are dropped (null), every
 * amount is turned into euro cents ({@value #USD_TO_EUR_PERCENT} euro cents per 100 dollar cents,
 * rounded down), and the row becomes an {@code order_facts} record, the warehouse's shape.
 */
public class OrderEnrichment implements Transform<ConnectRecord> {

    public static final long USD_TO_EUR_PERCENT = 92;

    static final Schema FACT = SchemaBuilder.struct().name("order_facts")
        .field("id", SchemaBuilder.int64().build()).field("customer", SchemaBuilder.string().build())
        .field("amount_eur_cents", SchemaBuilder.int64().build()).field("status", SchemaBuilder.string().build()).build();

    @Override
    public void start(KeyValue config) {
    }

    @Override
    public ConnectRecord doTransform(ConnectRecord record) {
        Struct order = (Struct) record.getData();
        if ("TEST".equals(order.getString("status"))) {
            return null;
        }
        long cents = order.getInt64("amount_cents");
        long eurCents = "USD".equals(order.getString("currency")) ? cents * USD_TO_EUR_PERCENT / 100 : cents;
        Struct fact = new Struct(FACT).put("id", order.getInt64("id")).put("customer", order.getString("customer").toUpperCase())
            .put("amount_eur_cents", eurCents).put("status", order.getString("status"));
        record.setSchema(FACT);
        record.setData(fact);
        return record;
    }

    @Override
    public void stop() {
    }
}
