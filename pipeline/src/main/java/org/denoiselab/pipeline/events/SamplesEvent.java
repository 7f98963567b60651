package org.denoiselab.pipeline.events;

import java.util.List;
import org.denoiselab.pipeline.store.ObjectLayout;
import org.denoiselab.pipeline.store.ObjectStore;
import org.denoiselab.science.spec.RunSpec;

/**
 * Samples of one checkpoint, stored before publishing, on the samples topic (key = run id).
 *
 * @param gridKey       PNG grid, {@link ObjectLayout#grid}
 * @param batchKey      evaluation batch (.npy, numSamples x C x H x W), {@link ObjectLayout#samples}
 * @param numSamples    images in the batch
 * @param trainLoss     the checkpoint's training loss, carried on to the evaluation
 * @param checkpointKey the checkpoint the samples came from
 * @param sweep         the evaluation sweep's further batches (evaluation.guidanceScales x the EMAs kept)
 */
public record SamplesEvent(
        int schemaVersion,
        String runId,
        String experimentId,
        int epoch,
        String gridKey,
        String gridSha256,
        String batchKey,
        String batchSha256,
        int numSamples,
        Double trainLoss,
        String checkpointKey,
        RunSpec spec,
        String createdAt,
        List<SweepBatch> sweep)
        implements PipelineMessage {

    /** one batch of the evaluation sweep: which EMA, which guidance scale, where it is stored */
    public record SweepBatch(double emaDecay, double cfgScale, String batchKey, String batchSha256) {}

    public SamplesEvent {
        sweep = sweep == null ? List.of() : List.copyOf(sweep);
        trainLoss = PipelineMessage.finite(trainLoss);
    }

    @Override
    public String key() {
        return runId;
    }

    public static SamplesEvent of(
            CheckpointEvent checkpoint, ObjectStore.Stored grid, ObjectStore.Stored batch, int numSamples) {
        return of(checkpoint, grid, batch, numSamples, List.of());
    }

    public static SamplesEvent of(
            CheckpointEvent checkpoint,
            ObjectStore.Stored grid,
            ObjectStore.Stored batch,
            int numSamples,
            List<SweepBatch> sweep) {
        return new SamplesEvent(
                SCHEMA_VERSION,
                checkpoint.runId(),
                checkpoint.experimentId(),
                checkpoint.epoch(),
                grid.key(),
                grid.sha256(),
                batch.key(),
                batch.sha256(),
                numSamples,
                checkpoint.loss(),
                checkpoint.objectKey(),
                checkpoint.spec(),
                PipelineMessage.now(),
                sweep);
    }

    public static SamplesEvent decode(byte[] json) {
        return PipelineMessage.decode(json, SamplesEvent.class);
    }
}
