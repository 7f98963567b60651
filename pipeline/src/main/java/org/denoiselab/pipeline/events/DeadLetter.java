package org.denoiselab.pipeline.events;

import java.util.Base64;

/**
 * A record a consumer could not use, on the dead-letter topic (key = the original key). Keeps the
 * original bytes exactly (base64) and a reason that names the field, so the request can be fixed
 * and resent; the consumer carries on. Built by {@link DeadLetters}.
 *
 * @param valueBase64 the original record value, base64; null for a record without value
 * @param reason      e.g. "sampling.stepz: unknown field"
 */
public record DeadLetter(
        int schemaVersion,
        String sourceTopic,
        int partition,
        long offset,
        String key,
        String valueBase64,
        String reason,
        String failedAt)
        implements PipelineMessage {

    /** the original record value, byte for byte (null when it had none) */
    public byte[] originalValue() {
        return valueBase64 == null ? null : Base64.getDecoder().decode(valueBase64);
    }

    public static DeadLetter decode(byte[] json) {
        return PipelineMessage.decode(json, DeadLetter.class);
    }
}
