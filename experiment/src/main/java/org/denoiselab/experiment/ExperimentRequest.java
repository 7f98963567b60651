package org.denoiselab.experiment;

import com.fasterxml.jackson.annotation.JsonFormat;
import java.util.List;
import org.denoiselab.experiment.json.Json;
import org.denoiselab.science.spec.RunSpec;

/**
 * An experiment request as a researcher writes it (the {@code experiments} topic, POST /experiments).
 * Every field is optional: a preset fills what is left out ({@link Presets#resolve}). Fields that can
 * be swept take one value or a list ({@code "patch": 4} or {@code "patch": [4, 28]}); a sweep expands
 * into one run per combination ({@link Sweep#expand}). Enum-like values stay strings here so that the
 * {@link RequestValidator} can report an unknown value by field instead of failing the parse.
 *
 * <pre>{@code
 * {"schemaVersion": 1, "preset": "fmnist", "prediction": ["x", "v"], "train": {"epochs": 2},
 *  "sampling": {"steps": 10}}
 * }</pre>
 *
 * @param schemaVersion 1 (absent = 1)
 * @param experimentId  the Kafka key and the prefix of every run id; generated when absent
 * @param preset        toy, fmnist, cifar10, celeba or quick; absent = the preset named like dataset.kind
 * @param method        flow (the paper) or ddpm (forces eps prediction, eps loss, ancestral sampling)
 * @param prediction    sweepable: x, eps, v
 * @param loss          sweepable: x, eps, v
 */
public record ExperimentRequest(
        Integer schemaVersion,
        String experimentId,
        String preset,
        Dataset dataset,
        Model model,
        String method,

        @JsonFormat(with = JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY)
        List<String> prediction,

        @JsonFormat(with = JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY)
        List<String> loss,

        Train train,
        Sampling sampling,
        Evaluation evaluation) {

    public static final int SCHEMA_VERSION = 1;

    /**
     * @param kind      toy, fmnist, cifar10 or celeba
     * @param location  local path or object key of the data (required for cifar10 and celeba)
     * @param imageSize image side (celeba; fmnist is 28 and cifar10 32 whatever is given)
     * @param toyDim    sweepable: ambient dimension D of the toy manifold
     * @param limit     first N training samples only (0 = all)
     * @param randomFlip horizontal flips in training (the presets turn it on for natural images)
     */
    public record Dataset(
            String kind,
            String location,
            Integer imageSize,

            @JsonFormat(with = JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY)
            List<Integer> toyDim,

            Integer limit,
            Boolean randomFlip) {}

    /**
     * The model. A JiT's block starts from {@code variant} and any switch given overrides it; every
     * sweepable field given as a list multiplies the runs (the paper's Table 4 is such a sweep).
     *
     * @param arch            jit (images) or mlp (toy)
     * @param size            sweepable: T, S, B, L, H
     * @param patch           sweepable: patch side, must divide the image side
     * @param bottleneck      patch-embedding bottleneck width (absent = the size's: 128, 256 for H; 0 = none)
     * @param variant         sweepable: baseline (DESIGN.md's block) or paper (every switch on)
     * @param norm            sweepable: layernorm or rmsnorm
     * @param mlp             sweepable: gelu or swiglu
     * @param qkNorm          sweepable: RMSNorm on q and k
     * @param rope            sweepable: 2-D rotary position embedding
     * @param inContextTokens sweepable: in-context class tokens (0 or the paper's 32)
     * @param dropout         attention/projection dropout in the middle blocks (absent = the variant's)
     */
    public record Model(
            String arch,

            @JsonFormat(with = JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY)
            List<String> size,

            @JsonFormat(with = JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY)
            List<Integer> patch,

            Integer bottleneck,
            Integer mlpWidth,
            Integer mlpDepth,

            @JsonFormat(with = JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY)
            List<String> variant,

            @JsonFormat(with = JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY)
            List<String> norm,

            @JsonFormat(with = JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY)
            List<String> mlp,

            @JsonFormat(with = JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY)
            List<Boolean> qkNorm,

            @JsonFormat(with = JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY)
            List<Boolean> rope,

            @JsonFormat(with = JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY)
            List<Integer> inContextTokens,

            Double dropout) {}

    /**
     * Optimisation; see {@link RunSpec.TrainSpec}. {@code learningRate} is sweepable; {@code noiseScale}
     * absent = the paper's rule, image side / 256 above 256 px, else 1. {@code precision}: fp32 (default) or
     * fp16 (JiT only: mixed precision with dynamic loss scaling, for GPU trainers).
     */
    public record Train(
            Integer epochs,
            Integer batchSize,

            @JsonFormat(with = JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY)
            List<Double> learningRate,

            Integer warmupSteps,
            Double emaDecay,
            String timeSampling,
            Double tMean,
            Double tStd,
            Double noiseScale,
            Double labelDropProb,
            Integer checkpointEvery,
            Long seed,
            Double emaDecay2,
            String precision) {}

    /**
     * See {@link RunSpec.SamplingSpec}; {@code cfgInterval} is [low, high] of the flow time where guidance
     * applies.
     */
    public record Sampling(
            String solver,
            Integer steps,
            Integer gridSize,
            Integer numEval,
            Long seed,
            Double cfgScale,
            List<Double> cfgInterval,
            Boolean clipDenoised) {}

    /** See {@link RunSpec.EvalSpec}. */
    /** See {@link RunSpec.EvalSpec}: guidanceScales is the evaluation sweep (empty = none). */
    public record Evaluation(String extractor, String referenceStats, List<Double> guidanceScales) {}

    /** Strict parse of the JSON bytes; a MessageException names the offending field. */
    public static ExperimentRequest parse(byte[] json) {
        return Json.decode(json, ExperimentRequest.class);
    }

    public static ExperimentRequest parse(String json) {
        return Json.decode(json, ExperimentRequest.class);
    }

    public ExperimentRequest withExperimentId(String id) {
        return new ExperimentRequest(
                schemaVersion, id, preset, dataset, model, method, prediction, loss, train, sampling, evaluation);
    }
}
