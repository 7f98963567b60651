package org.denoiselab.pipeline.kafka;

import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * The work a {@link ConsumerLoop} does for one record, on the loop's worker thread.
 * Returning normally means done (the offset is committed). A
 * {@link org.denoiselab.experiment.json.MessageException} means the record can never be used (it goes to
 * the dead-letter topic with that message as the reason). Any other exception is a failure that is
 * retried. Long work should poll {@code cancelled} and stop early when it turns true (the partition was
 * revoked or the service is stopping); the record is then left uncommitted for whoever owns it next.
 */
@FunctionalInterface
public interface RecordHandler {
    void handle(ConsumerRecord<String, byte[]> record, BooleanSupplier cancelled) throws Exception;
}
