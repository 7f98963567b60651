package org.denoiselab.pipeline.jobs;

import java.util.Map;
import org.denoiselab.experiment.json.Json;
import org.denoiselab.science.spec.RunSpec;
import org.denoiselab.science.train.Checkpoint;

/**
 * What the pipeline adds to every checkpoint file: the run spec as JSON in the safetensors metadata
 * under {@value #RUN_SPEC}, so a checkpoint describes itself wherever it is copied.
 */
public final class Checkpoints {
    public static final String RUN_SPEC = "run_spec";

    private Checkpoints() {}

    /** the metadata to pass to {@link Checkpoint#of(org.denoiselab.science.train.Trainer, Map)} */
    public static Map<String, String> metadataOf(RunSpec spec) {
        return Map.of(RUN_SPEC, Json.encodeToString(spec));
    }

    /**
     * The run spec a checkpoint was written with.
     *
     * @throws IllegalArgumentException when the checkpoint carries none (or an unreadable one)
     */
    public static RunSpec specOf(Checkpoint checkpoint) {
        String json = checkpoint.metadata(RUN_SPEC);
        if (json == null) {
            throw new IllegalArgumentException("checkpoint carries no " + RUN_SPEC + " in its metadata");
        }
        return Json.decode(json, RunSpec.class);
    }
}
