package org.denoiselab.pipeline.events;

import java.util.Base64;

/**
 * A record a consumer could not use, on the dead-letter topic (key = the original key). Keeps the
 * original bytes (base64) and a reason that names the field, so the request can be fixed and resent; the
 * consumer carries on. A dead letter must fit the broker's message size whatever the original's size, so the
 * bytes kept are bounded ({@link DeadLetters#MAX_ORIGINAL_BYTES}): a longer original keeps its first bytes,
 * and its full size and SHA-256 say which record it was. Built by {@link DeadLetters}.
 *
 * @param valueBase64       the original record value (or its first {@link DeadLetters#MAX_ORIGINAL_BYTES} bytes
 *                          when {@code truncated}), base64; null for a record without value, or when even the
 *                          prefix could not be sent
 * @param reason            e.g. "sampling.stepz: unknown field" (at most {@link DeadLetters#MAX_REASON_CHARS})
 * @param originalSizeBytes the original value's size in bytes (null without value)
 * @param originalSha256    hex SHA-256 of the whole original value (null without value)
 * @param truncated         true when valueBase64 holds only a prefix of the original (or nothing of it)
 */
public record DeadLetter(
        int schemaVersion,
        String sourceTopic,
        int partition,
        long offset,
        String key,
        String valueBase64,
        String reason,
        String failedAt,
        Long originalSizeBytes,
        String originalSha256,
        Boolean truncated)
        implements PipelineMessage {

    /** the original record value as kept: byte for byte, or its prefix when {@link #truncated} (null without) */
    public byte[] originalValue() {
        return valueBase64 == null ? null : Base64.getDecoder().decode(valueBase64);
    }

    /** true when only part of the original value (or none of it) is kept */
    public boolean keptPrefixOnly() {
        return Boolean.TRUE.equals(truncated);
    }

    public static DeadLetter decode(byte[] json) {
        return PipelineMessage.decode(json, DeadLetter.class);
    }
}
