package org.denoiselab.pipeline.events;

import org.denoiselab.experiment.json.Json;
import org.denoiselab.experiment.json.MessageException;

/**
 * A message on one of the pipeline topics: JSON (see {@link Json}) with a schema version, published
 * under {@link #key()} (the run id; the experiment id for experiment-level messages).
 *
 * <p>Compatibility within one schema version: a reader skips fields it does not know (a newer producer
 * may add optional ones during a rolling upgrade, and the event is not dead-lettered for it). A change
 * that an older reader must not ignore (a field whose absence changes the meaning, a renamed or
 * removed field, a new enum label) needs a new {@link #SCHEMA_VERSION}.
 */
public interface PipelineMessage {
    /** the version every message is written with and the only one read */
    int SCHEMA_VERSION = 1;

    int schemaVersion();

    /** the Kafka record key */
    String key();

    /**
     * Decodes with {@link Json#decodeEvent} (unknown fields skipped) and checks the schema version; a
     * MessageException names what is wrong.
     */
    static <T extends PipelineMessage> T decode(byte[] json, Class<T> type) {
        T message = Json.decodeEvent(json, type);
        if (message.schemaVersion() != SCHEMA_VERSION) {
            throw new MessageException(
                    "schemaVersion",
                    message.schemaVersion() == 0
                            ? "missing, expected " + SCHEMA_VERSION
                            : "unsupported " + message.schemaVersion() + ", expected " + SCHEMA_VERSION);
        }
        return message;
    }

    /** JSON has no NaN or infinity: a non-finite number travels as absent (null). */
    static Double finite(Double v) {
        return v == null || Double.isFinite(v) ? v : null;
    }

    /** current time, ISO-8601 UTC, for the *At fields */
    static String now() {
        return java.time.Instant.now().toString();
    }
}
