package org.denoiselab.pipeline.events;

import org.denoiselab.pipeline.store.ObjectLayout;
import org.denoiselab.pipeline.store.ObjectStore;
import org.denoiselab.science.spec.RunSpec;

/**
 * A checkpoint stored in the object store (published only after the object is there), on the
 * checkpoints topic (key = run id).
 *
 * @param objectKey {@link ObjectLayout#checkpoint}
 * @param sha256    hex SHA-256 of the stored bytes; the sampler verifies it when loading
 * @param loss      mean training loss of the epoch (null when not finite)
 * @param spec      the run, so the sampler can rebuild the model without another lookup
 */
public record CheckpointEvent(
        int schemaVersion,
        String runId,
        String experimentId,
        int epoch,
        long step,
        String objectKey,
        String sha256,
        long sizeBytes,
        Double loss,
        RunSpec spec,
        String createdAt)
        implements PipelineMessage {

    public CheckpointEvent {
        loss = PipelineMessage.finite(loss);
    }

    @Override
    public String key() {
        return runId;
    }

    public static CheckpointEvent of(RunSpec spec, int epoch, long step, ObjectStore.Stored stored, Double loss) {
        return new CheckpointEvent(
                SCHEMA_VERSION,
                spec.runId(),
                spec.experimentId(),
                epoch,
                step,
                stored.key(),
                stored.sha256(),
                stored.sizeBytes(),
                loss,
                spec,
                PipelineMessage.now());
    }

    public static CheckpointEvent decode(byte[] json) {
        return PipelineMessage.decode(json, CheckpointEvent.class);
    }
}
