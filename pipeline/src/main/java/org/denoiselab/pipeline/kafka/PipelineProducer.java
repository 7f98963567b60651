package org.denoiselab.pipeline.kafka;

import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.denoiselab.experiment.json.Json;
import org.denoiselab.pipeline.events.DeadLetters;
import org.denoiselab.pipeline.events.PipelineMessage;

/**
 * Publishes pipeline messages and dead letters. Every send waits for the broker's acknowledgement,
 * so a consumer commits its input only after its output is durable (at-least-once end to end).
 * Thread-safe (the Kafka producer is).
 */
public final class PipelineProducer implements AutoCloseable {
    private static final long ACK_TIMEOUT_SECONDS = 60;

    private final Producer<String, byte[]> producer;

    public PipelineProducer(Map<String, Object> config) {
        this(new KafkaProducer<>(config));
    }

    PipelineProducer(Producer<String, byte[]> producer) {
        this.producer = producer;
    }

    /** Sends the message as JSON under its own key. */
    public RecordMetadata publish(String topic, PipelineMessage message) {
        return send(new ProducerRecord<>(topic, message.key(), Json.encode(message)));
    }

    /** Sends raw bytes (e.g. a request exactly as received) under a key. */
    public RecordMetadata publish(String topic, String key, byte[] value) {
        return send(new ProducerRecord<>(topic, key, value));
    }

    /**
     * The record, its original bytes (at most {@link DeadLetters#MAX_ORIGINAL_BYTES}, then a prefix with the
     * original's size and SHA-256) and why it was refused, to the dead-letter topic. Should the broker still
     * find the letter too large (a topic configured below the bound), it is sent again with the size and
     * checksum only.
     *
     * @throws PublishException when the broker does not acknowledge it
     */
    public RecordMetadata deadLetter(ConsumerRecord<String, byte[]> record, String reason) {
        try {
            return send(DeadLetters.toRecord(DeadLetters.of(record, reason)));
        } catch (PublishException e) {
            if (!(e.getCause() instanceof RecordTooLargeException)) {
                throw e;
            }
            return send(DeadLetters.toRecord(DeadLetters.of(record, reason, 0)));
        }
    }

    public RecordMetadata send(ProducerRecord<String, byte[]> record) {
        try {
            return producer.send(record).get(ACK_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new PublishException(record.topic(), e.getCause());
        } catch (TimeoutException e) {
            throw new PublishException(record.topic(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PublishException(record.topic(), e);
        }
    }

    @Override
    public void close() {
        producer.close();
    }

    /** A send the broker did not acknowledge; the caller must not commit its input. */
    public static final class PublishException extends RuntimeException {
        public PublishException(String topic, Throwable cause) {
            super("cannot publish to '" + topic + "': " + (cause == null ? "unknown error" : cause.toString()), cause);
        }
    }
}
