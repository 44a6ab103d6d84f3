package learn.rocketmq.internals.connect;

import com.alibaba.fastjson2.JSON;
import com.alibaba.fastjson2.JSONArray;
import com.alibaba.fastjson2.JSONObject;
import io.openmessaging.connector.api.data.Field;
import io.openmessaging.connector.api.data.FieldType;
import io.openmessaging.connector.api.data.RecordConverter;
import io.openmessaging.connector.api.data.Schema;
import io.openmessaging.connector.api.data.SchemaAndValue;
import io.openmessaging.connector.api.data.SchemaBuilder;
import io.openmessaging.connector.api.data.Struct;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The converter between a connector's data (a {@link Schema} and a value, often a {@link Struct})
 * and a message body: JSON with the schema inside, {@code {"schema":{...},"payload":{...}}}, as the
 * RocketMQ Connect runtime's JSON converter writes it with schemas enabled. A source's records
 * become bodies this way, and a sink's messages become records again, so a sink task gets the same
 * typed Struct the source task made. Handles the types the lessons' tables use: INT32, INT64,
 * FLOAT64, BOOLEAN, STRING; a value that is not a Struct is written as a JSON string.
 */
public final class JsonRecordConverter implements RecordConverter {

    @Override
    public byte[] fromConnectData(String topic, Schema schema, Object value) {
        JSONObject json = new JSONObject();
        if (value instanceof Struct struct) {
            JSONArray fields = new JSONArray();
            Map<String, Object> payload = new LinkedHashMap<>();
            for (Field f : struct.getSchema().getFields()) {
                fields.add(JSONObject.of("name", f.getName(), "type", f.getSchema().getFieldType().name()));
                payload.put(f.getName(), struct.get(f));
            }
            json.put("schema", JSONObject.of("name", struct.getSchema().getName(), "fields", fields));
            json.put("payload", payload);
        } else {
            json.put("payload", value == null ? null : value.toString());
        }
        return json.toJSONString().getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public SchemaAndValue toConnectData(String topic, byte[] body) {
        JSONObject json = JSON.parseObject(new String(body, StandardCharsets.UTF_8));
        JSONObject schemaJson = json.getJSONObject("schema");
        if (schemaJson == null) {
            return new SchemaAndValue(SchemaBuilder.string().build(), json.getString("payload"));
        }
        SchemaBuilder builder = SchemaBuilder.struct().name(schemaJson.getString("name"));
        JSONArray fields = schemaJson.getJSONArray("fields");
        for (int i = 0; i < fields.size(); i++) {
            JSONObject f = fields.getJSONObject(i);
            builder.field(f.getString("name"), new SchemaBuilder(FieldType.valueOf(f.getString("type"))).optional().build());
        }
        Schema schema = builder.build();
        Struct struct = new Struct(schema);
        JSONObject payload = json.getJSONObject("payload");
        for (Field f : schema.getFields()) {
            struct.put(f, typed(f.getSchema().getFieldType(), payload, f.getName()));
        }
        return new SchemaAndValue(schema, struct);
    }

    /** JSON numbers come back as Integer, Long or BigDecimal: each as the Java type its field type wants. */
    private static Object typed(FieldType type, JSONObject payload, String name) {
        if (payload.get(name) == null) {
            return null;
        }
        return switch (type) {
            case INT32 -> payload.getInteger(name);
            case INT64 -> payload.getLong(name);
            case FLOAT64 -> payload.getDouble(name);
            case BOOLEAN -> payload.getBoolean(name);
            case STRING -> payload.getString(name);
            default -> throw new IllegalArgumentException("field " + name + ": type " + type + " is not handled by this converter");
        };
    }
}
