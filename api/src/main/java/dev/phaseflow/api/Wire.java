package dev.phaseflow.api;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;

/**
 * The one Jackson configuration of the wire, for the server, the load-test client and router.json's
 * calibration summary alike.
 *
 * <p>Reading is strict about types: a JSON value binds to a field only when it has the field's type
 * (an integer field takes a JSON integer in range, not 1.5, "5" or true; a string field takes a
 * string, not 3), so a client's mistake is named instead of guessed at. Duplicate keys and
 * anything after the value are malformed JSON. Unknown fields fail unless the record says
 * otherwise: the request body rejects them; events, the error body and the calibration summary
 * ignore them, so a reader keeps working against a writer that has added fields. Writing is
 * Jackson's default: compact, fields in record order, numbers as Java prints them.
 */
public final class Wire {
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .withCoercionConfig(LogicalType.Integer, c -> c.setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail))
            .withCoercionConfig(LogicalType.Float, c -> c.setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail))
            .withCoercionConfig(LogicalType.Textual, c -> c.setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
            .build();

    private Wire() {}

    /** The mapper; shared and thread-safe, so not to be reconfigured. */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /** One record as compact JSON (one line, so one SSE {@code data:} line carries it). */
    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A parsed JSON object as a record of {@code type}.
     *
     * @throws WireException naming the field at fault: "count must be a 32-bit integer, got a string \"x\"",
     *                       "unknown field 'colour' (allowed: count, steps, ...)"
     */
    public static <T> T bind(JsonNode tree, Class<T> type) {
        try {
            return MAPPER.treeToValue(tree, type);
        } catch (UnrecognizedPropertyException e) {
            String field = field(e.getPath());
            throw new WireException(field, "unknown field '" + field + "' (allowed: "
                    + String.join(", ", fields(e.getReferringClass())) + ")");
        } catch (JsonMappingException e) {
            String field = field(e.getPath());
            if (field.isEmpty()) {
                throw new WireException(null, "must be " + expected(MAPPER.constructType(type)) + ", got " + describe(tree));
            }
            throw new WireException(field, field + " must be " + expected(typeAt(type, e.getPath())) + ", got "
                    + describe(tree.at(pointer(e.getPath()))));
        } catch (JsonProcessingException e) {
            throw new WireException(null, e.getOriginalMessage());
        }
    }

    /** The JSON field names of a record, in the order it writes them. */
    public static List<String> fields(Class<?> type) {
        return MAPPER.getSerializationConfig().introspect(MAPPER.constructType(type)).findProperties().stream()
                .map(BeanPropertyDefinition::getName).toList();
    }

    /** A value as an error message shows it: its kind and its text, clipped ("a string \"x\"", "the number 1.5"). */
    public static String describe(JsonNode v) {
        return kind(v) + " " + clip(v.toString());
    }

    /** "a string", "the number", "the boolean", "an array", "an object", "null", "missing". */
    public static String kind(JsonNode v) {
        return switch (v.getNodeType()) {
            case STRING -> "a string";
            case NUMBER -> "the number";
            case BOOLEAN -> "the boolean";
            case ARRAY -> "an array";
            case OBJECT -> "an object";
            default -> v.getNodeType().name().toLowerCase(Locale.ROOT);
        };
    }

    /** Echoes of client input stay short. */
    public static String clip(String s) {
        return s.length() <= 60 ? s : s.substring(0, 57) + "...";
    }

    /** "count", "window.sigma_lo", "model_tiers[1].route". */
    private static String field(List<JsonMappingException.Reference> path) {
        StringBuilder b = new StringBuilder();
        for (JsonMappingException.Reference r : path) {
            if (r.getFieldName() != null) {
                b.append(b.length() == 0 ? "" : ".").append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                b.append('[').append(r.getIndex()).append(']');
            }
        }
        return b.toString();
    }

    private static JsonPointer pointer(List<JsonMappingException.Reference> path) {
        JsonPointer p = JsonPointer.empty();
        for (JsonMappingException.Reference r : path) {
            p = r.getFieldName() != null ? p.appendProperty(r.getFieldName()) : p.appendIndex(Math.max(0, r.getIndex()));
        }
        return p;
    }

    /** The declared type of the value at {@code path} inside {@code type}. */
    private static JavaType typeAt(Class<?> type, List<JsonMappingException.Reference> path) {
        JavaType t = MAPPER.constructType(type);
        for (JsonMappingException.Reference r : path) {
            if (t.isContainerType()) {
                t = t.getContentType();
            } else {
                String name = r.getFieldName();
                t = MAPPER.getDeserializationConfig().introspect(t).findProperties().stream()
                        .filter(p -> p.getName().equals(name)).findFirst()
                        .map(BeanPropertyDefinition::getPrimaryType).orElse(t);
            }
        }
        return t;
    }

    private static String expected(JavaType t) {
        Class<?> c = t.getRawClass();
        if (c == Integer.class || c == int.class) {
            return "a 32-bit integer";
        } else if (c == Long.class || c == long.class) {
            return "a 64-bit integer";
        } else if (c == Double.class || c == double.class || c == Float.class || c == float.class) {
            return "a number";
        } else if (c == String.class) {
            return "a string";
        } else if (c == Boolean.class || c == boolean.class) {
            return "a boolean";
        } else if (t.isCollectionLikeType() || t.isArrayType()) {
            return "an array";
        }
        return "a JSON object";
    }
}
