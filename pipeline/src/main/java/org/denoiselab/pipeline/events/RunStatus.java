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
        String updatedAt)
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
                PipelineMessage.now());
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
                PipelineMessage.now());
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
                PipelineMessage.now());
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
                PipelineMessage.now());
    }

    public static RunStatus decode(byte[] json) {
        return PipelineMessage.decode(json, RunStatus.class);
    }
}
