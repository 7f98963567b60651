package org.denoiselab.pipeline.events;

import org.denoiselab.science.spec.RunSpec;

/**
 * One run of an accepted experiment, on the runs topic (key = run id). Trainer replicas share this
 * topic through their consumer group, so each run is trained by one replica.
 *
 * @param index    position of the run in its experiment's sweep (0-based)
 * @param runCount runs in the experiment
 */
public record RunEvent(
        int schemaVersion, String runId, String experimentId, int index, int runCount, RunSpec spec, String createdAt)
        implements PipelineMessage {

    @Override
    public String key() {
        return runId;
    }

    public static RunEvent of(RunSpec spec, int index, int runCount) {
        return new RunEvent(
                SCHEMA_VERSION, spec.runId(), spec.experimentId(), index, runCount, spec, PipelineMessage.now());
    }

    public static RunEvent decode(byte[] json) {
        return PipelineMessage.decode(json, RunEvent.class);
    }
}
