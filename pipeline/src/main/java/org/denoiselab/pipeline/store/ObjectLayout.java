package org.denoiselab.pipeline.store;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where everything lives in the object store: the one place keys are made.
 *
 * <pre>
 * runs/{runId}/checkpoints/epoch-0003.safetensors  (weights, EMA, AdamW state; see science Checkpoint)
 * runs/{runId}/checkpoints/epoch-0003.json       (the checkpoint's event, to re-publish it after a crash)
 * runs/{runId}/grids/epoch-0003.png
 * runs/{runId}/samples/epoch-0003.npy
 * runs/{runId}/evals/epoch-0003-classifier.json  (an evaluation result, one per extractor)
 * stats/{dataset}-{extractor}.npz
 * models/{name}
 * </pre>
 */
public final class ObjectLayout {
    private ObjectLayout() {}

    /** one key segment: no slashes, no "..", nothing a shell or URL would mangle */
    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    private static final Pattern EPOCH = Pattern.compile("runs/[^/]+/[a-z]+/epoch-(\\d{4,})\\.[a-z]+");

    public static String runPrefix(String runId) {
        return "runs/" + segment("runId", runId) + "/";
    }

    /** checkpoints are safetensors files */
    public static final String CHECKPOINT_SUFFIX = ".safetensors";

    public static String checkpoint(String runId, int epoch) {
        return checkpointsPrefix(runId) + epochName(epoch) + CHECKPOINT_SUFFIX;
    }

    public static String checkpointsPrefix(String runId) {
        return runPrefix(runId) + "checkpoints/";
    }

    /** the event published for {@link #checkpoint}, kept so a resumed run can publish it again */
    public static String checkpointEvent(String runId, int epoch) {
        return checkpointsPrefix(runId) + epochName(epoch) + ".json";
    }

    public static String evaluationsPrefix(String runId) {
        return runPrefix(runId) + "evals/";
    }

    /** the evaluation of one epoch's samples under one extractor (its presence makes re-scoring a no-op) */
    public static String evaluation(String runId, int epoch, String extractor) {
        return evaluationsPrefix(runId) + epochName(epoch) + "-" + segment("extractor", extractor) + ".json";
    }

    public static String grid(String runId, int epoch) {
        return runPrefix(runId) + "grids/" + epochName(epoch) + ".png";
    }

    public static String samples(String runId, int epoch) {
        return runPrefix(runId) + "samples/" + epochName(epoch) + ".npy";
    }

    /**
     * A batch of the evaluation sweep: runs/{runId}/samples/epoch-0003-ema0.9999-cfg1.5.npy
     *
     * @throws IllegalArgumentException for a negative or non-finite setting
     */
    public static String samples(String runId, int epoch, double emaDecay, double cfgScale) {
        if (!(emaDecay >= 0 && cfgScale >= 0) || Double.isInfinite(emaDecay) || Double.isInfinite(cfgScale)) {
            throw new IllegalArgumentException(
                    "sweep setting ema " + emaDecay + ", cfg " + cfgScale + " is out of range");
        }
        return runPrefix(runId) + "samples/" + epochName(epoch) + "-ema" + emaDecay + "-cfg" + cfgScale + ".npy";
    }

    /** features of reference images kept beside their statistics, for KID: float32 .npy N x d */
    public static String referenceFeatures(String dataset, String extractor) {
        return "stats/" + segment("dataset", dataset) + "-" + segment("extractor", extractor) + "-features.npy";
    }

    /** reference statistics of a dataset under one extractor, computed once and kept */
    public static String stats(String dataset, String extractor) {
        return "stats/" + segment("dataset", dataset) + "-" + segment("extractor", extractor) + ".npz";
    }

    /** shared weights such as the evaluation classifier */
    public static String model(String name) {
        return "models/" + segment("model name", name);
    }

    /** The epoch in a checkpoint, grid or samples key, e.g. 3 for ".../epoch-0003.png". */
    public static int epochOf(String key) {
        Matcher m = EPOCH.matcher(key);
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + key + "' is not a per-epoch run object key");
        }
        return Integer.parseInt(m.group(1));
    }

    private static String epochName(int epoch) {
        if (epoch < 0) {
            throw new IllegalArgumentException("epoch must be >= 0, got " + epoch);
        }
        return String.format("epoch-%04d", epoch);
    }

    private static String segment(String what, String value) {
        if (value == null || !SEGMENT.matcher(value).matches()) {
            throw new IllegalArgumentException(
                    what + " '" + value
                            + "' cannot be an object-key segment: expected letters, digits, '.', '_' or '-' (1-128, no leading dot)");
        }
        return value;
    }
}
