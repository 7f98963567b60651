package org.denoiselab.pipeline.events;

import org.denoiselab.science.spec.RunSpec;

/**
 * The latest state of one run, on the compacted run-status topic (key = run id), so the topic always
 * holds each run's current status. Numbers that are not known yet are null and left out of the JSON.
 *
 * @param epoch           epochs completed so far
 * @param step            optimiser steps done so far
 * @param totalSteps      steps the run will take in all
 * @param loss            recent training loss (null when not finite; the reason then says so)
 * @param etaSeconds      estimated time to completion
 * @param reason          why the run FAILED (e.g. "loss is NaN at step 812"); null otherwise
 * @param updatedAt       ISO-8601 UTC
 * @param lossScale       FP16 runs: the dynamic loss scale now (null for FP32)
 * @param skippedSteps    FP16 runs: steps skipped so far because their gradients overflowed (null for FP32)
 */
public record RunStatus(
        int schemaVersion,
        String runId,
        String experimentId,
        State state,
        int epoch,
        long step,
        long totalSteps,
        Double loss,
        Double imagesPerSecond,
        Double etaSeconds,
        String reason,
        String updatedAt,
        Double lossScale,
        Long skippedSteps)
        implements PipelineMessage {

    public enum State {
        QUEUED,
        RUNNING,
        COMPLETED,
        FAILED
    }

    public RunStatus {
        loss = PipelineMessage.finite(loss);
        imagesPerSecond = PipelineMessage.finite(imagesPerSecond);
        etaSeconds = PipelineMessage.finite(etaSeconds);
        lossScale = PipelineMessage.finite(lossScale);
    }

    /** this status with an FP16 run's loss scale and skipped steps */
    public RunStatus withLossScale(double scale, long skipped) {
        return new RunStatus(
                schemaVersion,
                runId,
                experimentId,
                state,
                epoch,
                step,
                totalSteps,
                loss,
                imagesPerSecond,
                etaSeconds,
                reason,
                updatedAt,
                scale,
                skipped);
    }

    @Override
    public String key() {
        return runId;
    }

    public static RunStatus queued(RunSpec spec, long totalSteps) {
        return new RunStatus(
                SCHEMA_VERSION,
                spec.runId(),
                spec.experimentId(),
                State.QUEUED,
                0,
                0,
                totalSteps,
                null,
                null,
                null,
                null,
                PipelineMessage.now(),
                null,
                null);
    }

    public static RunStatus running(
            RunSpec spec,
            int epoch,
            long step,
            long totalSteps,
            double loss,
            double imagesPerSecond,
            double etaSeconds) {
        return new RunStatus(
                SCHEMA_VERSION,
                spec.runId(),
                spec.experimentId(),
                State.RUNNING,
                epoch,
                step,
                totalSteps,
                loss,
                imagesPerSecond,
                etaSeconds,
                null,
                PipelineMessage.now(),
                null,
                null);
    }

    public static RunStatus completed(RunSpec spec, int epoch, long step, double loss) {
        return new RunStatus(
                SCHEMA_VERSION,
                spec.runId(),
                spec.experimentId(),
                State.COMPLETED,
                epoch,
                step,
                step,
                loss,
                null,
                0.0,
                null,
                PipelineMessage.now(),
                null,
                null);
    }

    public static RunStatus failed(RunSpec spec, int epoch, long step, long totalSteps, String reason) {
        return new RunStatus(
                SCHEMA_VERSION,
                spec.runId(),
                spec.experimentId(),
                State.FAILED,
                epoch,
                step,
                totalSteps,
                null,
                null,
                null,
                reason,
                PipelineMessage.now(),
                null,
                null);
    }

    public static RunStatus decode(byte[] json) {
        return PipelineMessage.decode(json, RunStatus.class);
    }
}
