package org.denoiselab.pipeline.events;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.denoiselab.experiment.json.Json;
import org.denoiselab.pipeline.kafka.Topics;
import org.denoiselab.pipeline.store.Sha256;

/**
 * Turns a record a consumer rejected into a {@link DeadLetter} for the dead-letter topic, bounded in size: the
 * letter's JSON stays under {@value #MAX_LETTER_BYTES} bytes whatever the original (the brokers' default
 * message limit is 1 MiB, and a letter holding a 790 KB original in base64 would exceed it and could never be
 * sent, leaving the consumer to retry it forever).
 */
public final class DeadLetters {
    /** original bytes kept in a letter; a longer value keeps this prefix plus its size and SHA-256 */
    public static final int MAX_ORIGINAL_BYTES = 64 * 1024;

    /** longest reason kept (a reason listing every violation of a huge request could be long) */
    public static final int MAX_REASON_CHARS = 4096;

    /** longest key kept */
    public static final int MAX_KEY_CHARS = 1024;

    /** an upper bound of a letter's JSON: base64 of the prefix, reason and key as JSON-escaped text, fields */
    public static final int MAX_LETTER_BYTES =
            (MAX_ORIGINAL_BYTES + 2) / 3 * 4 + 6 * (MAX_REASON_CHARS + MAX_KEY_CHARS) * 3 + 2048;

    private DeadLetters() {}

    /** a letter keeping up to {@link #MAX_ORIGINAL_BYTES} of the original */
    public static DeadLetter of(ConsumerRecord<String, byte[]> record, String reason) {
        return of(record, reason, MAX_ORIGINAL_BYTES);
    }

    /**
     * A letter keeping at most {@code keep} bytes of the original value (0: only its size and SHA-256, for when a
     * letter with the prefix could not be sent).
     */
    public static DeadLetter of(ConsumerRecord<String, byte[]> record, String reason, int keep) {
        byte[] value = record.value();
        boolean truncated = value != null && value.length > keep;
        byte[] kept = value == null ? null : truncated ? Arrays.copyOf(value, keep) : value;
        String why = reason == null || reason.isBlank() ? "no reason given" : reason;
        if (truncated) {
            why = "original of " + value.length + " bytes, " + (keep == 0 ? "none" : "the first " + keep) + " kept; "
                    + why;
        }
        return new DeadLetter(
                PipelineMessage.SCHEMA_VERSION,
                record.topic(),
                record.partition(),
                record.offset(),
                bound(record.key(), MAX_KEY_CHARS),
                kept == null || (truncated && keep == 0)
                        ? null
                        : Base64.getEncoder().encodeToString(kept),
                bound(why, MAX_REASON_CHARS),
                PipelineMessage.now(),
                value == null ? null : (long) value.length,
                value == null ? null : sha256(value),
                value == null ? null : truncated);
    }

    /** The reason is the error's message (a MessageException names the field), else its type. */
    public static DeadLetter of(ConsumerRecord<String, byte[]> record, Throwable error) {
        String reason = error.getMessage() != null
                ? error.getMessage()
                : error.getClass().getName();
        return of(record, reason);
    }

    /** Ready to send: dead-letter topic, the (bounded) original key, the letter as JSON. */
    public static ProducerRecord<String, byte[]> toRecord(DeadLetter letter) {
        return new ProducerRecord<>(Topics.DEAD_LETTER, letter.key(), Json.encode(letter));
    }

    private static String bound(String s, int max) {
        if (s == null || s.length() <= max) {
            return s;
        }
        return s.substring(0, max) + "... (" + s.length() + " characters)";
    }

    private static String sha256(byte[] bytes) {
        return Sha256.hex(bytes);
    }

    /** the letter's size as it will be sent */
    public static int sizeOf(DeadLetter letter) {
        return Json.encode(letter).length
                + (letter.key() == null ? 0 : letter.key().getBytes(StandardCharsets.UTF_8).length);
    }
}
