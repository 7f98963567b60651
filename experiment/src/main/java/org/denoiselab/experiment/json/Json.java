package org.denoiselab.experiment.json;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleDeserializers;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.type.LogicalType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.denoiselab.science.spec.Choice;

/**
 * The project's one JSON configuration, used for experiment requests and every pipeline event.
 * Strict on input (unknown fields, wrong types, duplicate keys and trailing garbage are errors, and
 * nothing is silently coerced: "4" is not an integer, 2.5 is not an int), compact on output (null
 * fields are left out). Every read error becomes a {@link MessageException} naming the field path.
 *
 * <p>Two readers: {@link #decode} (requests, and anything a person writes: every unknown field is an
 * error, so a typo is never silently ignored) and {@link #decodeEvent} (pipeline events written by
 * another service, possibly a newer build of it during a rolling upgrade: fields this build does not
 * know are skipped; every other rule stays as strict).
 */
public final class Json {
    private static final ObjectMapper MAPPER = build(true);
    private static final ObjectMapper EVENTS = build(false);

    private Json() {}

    public static ObjectMapper mapper() {
        return MAPPER;
    }

    public static byte[] encode(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(
                    "cannot encode " + value.getClass().getSimpleName() + ": " + e.getOriginalMessage(), e);
        }
    }

    public static String encodeToString(Object value) {
        return new String(encode(value), StandardCharsets.UTF_8);
    }

    /** Reads one JSON document as {@code type}; any problem is a MessageException naming the field. */
    public static <T> T decode(byte[] json, Class<T> type) {
        return read(MAPPER, json, type);
    }

    private static <T> T read(ObjectMapper mapper, byte[] json, Class<T> type) {
        if (json == null || json.length == 0) {
            throw new MessageException("$", "empty message, expected a JSON object");
        }
        T value;
        try {
            value = mapper.readValue(json, type);
        } catch (IOException e) {
            throw describe(e);
        }
        if (value == null) {
            throw new MessageException("$", "expected a JSON object, got null");
        }
        return value;
    }

    public static <T> T decode(String json, Class<T> type) {
        return decode(json == null ? null : json.getBytes(StandardCharsets.UTF_8), type);
    }

    /**
     * Reads one pipeline event as {@code type}, skipping fields {@code type} does not have (at any depth,
     * e.g. a field a newer producer added to the run spec within the same schema version). Types, enum
     * labels, missing primitives, duplicate keys and trailing garbage are checked as by {@link #decode};
     * any problem is a MessageException naming the field.
     */
    public static <T> T decodeEvent(byte[] json, Class<T> type) {
        return read(EVENTS, json, type);
    }

    /** Binds an already parsed tree, with the same strictness and error naming as {@link #decode}. */
    public static <T> T convert(JsonNode tree, Class<T> type) {
        try {
            return MAPPER.treeToValue(tree, type);
        } catch (IOException e) {
            throw describe(e);
        }
    }

    /** Turns a Jackson failure into "field.path: what was wrong". */
    static MessageException describe(IOException e) {
        if (e instanceof UnrecognizedPropertyException u) {
            String known = names(u.getKnownPropertyIds());
            return new MessageException(
                    path(u.getPath()),
                    "unknown field" + (known.isEmpty() ? "" : " (expected one of " + known + ")"),
                    e);
        }
        if (e instanceof InvalidFormatException f) {
            return new MessageException(
                    path(f.getPath()),
                    "wrong value '" + f.getValue() + "', expected " + typeName(f.getTargetType()),
                    e);
        }
        if (e instanceof MismatchedInputException m
                && m.getOriginalMessage() != null
                && m.getOriginalMessage().startsWith("Trailing token")) {
            // FAIL_ON_TRAILING_TOKENS: a second value after the document, not a type mismatch
            String where = m.getLocation() == null
                    ? ""
                    : " at line " + m.getLocation().getLineNr() + ", column "
                            + m.getLocation().getColumnNr();
            return new MessageException(
                    "$",
                    "invalid JSON" + where + ": more than one JSON value (expected one object and nothing after it)",
                    e);
        }
        if (e instanceof MismatchedInputException m) {
            String field = path(m.getPath());
            JsonToken got = m.getProcessor() instanceof JsonParser p ? p.currentToken() : null;
            if (m.getTargetType() == null) {
                return new MessageException(field, clean(m.getOriginalMessage()), e);
            }
            if (got == JsonToken.END_OBJECT || got == JsonToken.FIELD_NAME) {
                // a required (primitive) field that the object did not have
                return new MessageException(field, "missing, expected " + typeName(m.getTargetType()), e);
            }
            return new MessageException(
                    field,
                    "wrong type, expected " + typeName(m.getTargetType())
                            + (got == null ? "" : ", got " + tokenName(got)),
                    e);
        }
        if (e instanceof JsonMappingException m
                && m.getCause() instanceof JsonProcessingException inner
                && !(inner instanceof JsonMappingException)) {
            // a parser error met inside a nested value: databind knows the path, the parser the reason
            MessageException plain = describe(inner);
            // the parser's own path reaches the value it choked on; databind's may stop one level above
            String field = m.getPath().isEmpty()
                            || (!plain.field().equals("$") && plain.field().startsWith(path(m.getPath())))
                    ? plain.field()
                    : path(m.getPath());
            return new MessageException(field, plain.reason(), e);
        }
        if (e instanceof JsonMappingException m && !m.getPath().isEmpty()) {
            return new MessageException(path(m.getPath()), clean(m.getOriginalMessage()), e);
        }
        if (e instanceof JsonProcessingException p) {
            // malformed JSON or a number out of range: the parser knows where it was
            String field = "$";
            if (p.getProcessor() instanceof JsonParser parser && parser.getParsingContext() != null) {
                field = pointerPath(parser.getParsingContext().pathAsPointer());
            }
            if (p instanceof InputCoercionException) {
                return new MessageException(field, "number out of range: " + clean(p.getOriginalMessage()), e);
            }
            String where = p.getLocation() == null
                    ? ""
                    : " at line " + p.getLocation().getLineNr() + ", column "
                            + p.getLocation().getColumnNr();
            return new MessageException(field, "invalid JSON" + where + ": " + clean(p.getOriginalMessage()), e);
        }
        return new MessageException("$", "unreadable: " + e.getMessage(), e);
    }

    private static String path(List<JsonMappingException.Reference> refs) {
        StringBuilder sb = new StringBuilder();
        for (JsonMappingException.Reference r : refs) {
            if (r.getFieldName() != null) {
                if (sb.length() > 0) sb.append('.');
                sb.append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                sb.append('[').append(r.getIndex()).append(']');
            }
        }
        return sb.length() == 0 ? "$" : sb.toString();
    }

    private static String pointerPath(JsonPointer pointer) {
        StringBuilder sb = new StringBuilder();
        for (JsonPointer p = pointer; p != null && !p.matches(); p = p.tail()) {
            if (p.mayMatchElement()) {
                sb.append('[').append(p.getMatchingIndex()).append(']');
            } else {
                if (sb.length() > 0) sb.append('.');
                sb.append(p.getMatchingProperty());
            }
        }
        return sb.length() == 0 ? "$" : sb.toString();
    }

    private static String names(Collection<Object> ids) {
        if (ids == null) return "";
        return new TreeSet<>(ids.stream().map(String::valueOf).collect(Collectors.toList()))
                .stream().collect(Collectors.joining(", "));
    }

    private static String typeName(Class<?> t) {
        if (t == Integer.class || t == int.class || t == Long.class || t == long.class) return "an integer";
        if (t == Double.class || t == double.class || t == Float.class || t == float.class) return "a number";
        if (t == Boolean.class || t == boolean.class) return "true or false";
        if (t == String.class) return "a string";
        if (Collection.class.isAssignableFrom(t) || t.isArray()) return "a list";
        if (t.isEnum())
            return "one of "
                    + java.util.Arrays.stream(t.getEnumConstants())
                            .map(c -> c instanceof Choice ch
                                    ? ch.label()
                                    : c.toString().toLowerCase(Locale.ROOT))
                            .collect(Collectors.joining(", "));
        return "an object";
    }

    private static String tokenName(JsonToken t) {
        switch (t) {
            case VALUE_STRING:
                return "a string";
            case VALUE_NUMBER_INT:
                return "an integer";
            case VALUE_NUMBER_FLOAT:
                return "a decimal number";
            case VALUE_TRUE:
            case VALUE_FALSE:
                return "a boolean";
            case VALUE_NULL:
                return "null";
            case START_ARRAY:
                return "a list";
            case START_OBJECT:
                return "an object";
            default:
                return t.asString() == null ? t.name().toLowerCase(Locale.ROOT) : t.asString();
        }
    }

    /**
     * Jackson messages end with a source-location hint that only repeats what the path says, and name their
     * own settings: both left out.
     */
    static String clean(String message) {
        if (message == null) return "unreadable";
        int cut = message.indexOf("\n at [Source");
        String m = (cut >= 0 ? message.substring(0, cut) : message).trim();
        m = m.replaceAll("\\s*\\(start marker at \\[Source:[^\\]]*\\]\\)", "");
        m = m.replaceAll(",? from `StreamReadConstraints\\.[A-Za-z]+\\(\\)`", "");
        m = m.replaceAll("\\s*\\(Source: REDACTED[^)]*\\)", "");
        return m.trim();
    }

    /** @param unknownFieldsFail true for requests (strict), false for events (unknown fields skipped) */
    private static ObjectMapper build(boolean unknownFieldsFail) {
        // every science choice (prediction, solver, dataset kind, ...) travels as its label: "x", "heun", "fmnist"
        SimpleModule enums = new SimpleModule("denoiselab-choices");
        enums.addSerializer(Choice.class, new JsonSerializer<>() {
            @Override
            public void serialize(Choice value, JsonGenerator gen, SerializerProvider serializers) throws IOException {
                gen.writeString(value.label());
            }
        });
        enums.setDeserializers(new SimpleDeserializers() {
            @Override
            public JsonDeserializer<?> findEnumDeserializer(
                    Class<?> type, DeserializationConfig config, BeanDescription beanDesc) throws JsonMappingException {
                return Choice.class.isAssignableFrom(type) ? choiceDeserializer(type) : null;
            }
        });

        JsonMapper mapper = JsonMapper.builder()
                .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, unknownFieldsFail)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
                .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
                .serializationInclusion(JsonInclude.Include.NON_NULL)
                .addModule(enums)
                .build();
        // numbers are not strings and strings are not numbers or booleans (an int may stand for a double)
        fail(
                mapper,
                LogicalType.Textual,
                CoercionInputShape.Integer,
                CoercionInputShape.Float,
                CoercionInputShape.Boolean);
        fail(
                mapper,
                LogicalType.Integer,
                CoercionInputShape.String,
                CoercionInputShape.EmptyString,
                CoercionInputShape.Float,
                CoercionInputShape.Boolean);
        fail(
                mapper,
                LogicalType.Float,
                CoercionInputShape.String,
                CoercionInputShape.EmptyString,
                CoercionInputShape.Boolean);
        fail(
                mapper,
                LogicalType.Boolean,
                CoercionInputShape.String,
                CoercionInputShape.EmptyString,
                CoercionInputShape.Integer,
                CoercionInputShape.Float);
        return mapper;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static JsonDeserializer<?> choiceDeserializer(Class<?> type) {
        Class<? extends Enum> enumType = (Class<? extends Enum>) type;
        return new JsonDeserializer<Object>() {
            @Override
            public Object deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
                if (p.currentToken() != JsonToken.VALUE_STRING) {
                    return ctxt.handleUnexpectedToken(type, p);
                }
                try {
                    return Choice.parse((Class) enumType, p.getText());
                } catch (IllegalArgumentException e) {
                    throw InvalidFormatException.from(p, e.getMessage(), p.getText(), type);
                }
            }
        };
    }

    private static void fail(JsonMapper mapper, LogicalType target, CoercionInputShape... shapes) {
        for (CoercionInputShape shape : shapes) {
            mapper.coercionConfigFor(target).setCoercion(shape, CoercionAction.Fail);
        }
    }
}
