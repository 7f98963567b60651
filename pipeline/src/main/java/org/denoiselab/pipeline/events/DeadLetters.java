package org.denoiselab.pipeline.events;

import java.util.Base64;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.denoiselab.experiment.json.Json;
import org.denoiselab.pipeline.kafka.Topics;

/** Turns a record a consumer rejected into a {@link DeadLetter} for the dead-letter topic. */
public final class DeadLetters {
    private DeadLetters() {}

    public static DeadLetter of(ConsumerRecord<String, byte[]> record, String reason) {
        byte[] value = record.value();
        return new DeadLetter(
                PipelineMessage.SCHEMA_VERSION,
                record.topic(),
                record.partition(),
                record.offset(),
                record.key(),
                value == null ? null : Base64.getEncoder().encodeToString(value),
                reason == null || reason.isBlank() ? "no reason given" : reason,
                PipelineMessage.now());
    }

    /** The reason is the error's message (a MessageException names the field), else its type. */
    public static DeadLetter of(ConsumerRecord<String, byte[]> record, Throwable error) {
        String reason = error.getMessage() != null
                ? error.getMessage()
                : error.getClass().getName();
        return of(record, reason);
    }

    /** Ready to send: dead-letter topic, the original key, the letter as JSON. */
    public static ProducerRecord<String, byte[]> toRecord(DeadLetter letter) {
        return new ProducerRecord<>(Topics.DEAD_LETTER, letter.key(), Json.encode(letter));
    }
}
