package org.denoiselab.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Pattern;
import org.denoiselab.science.data.DatasetKind;
import org.denoiselab.science.diffusion.LossSpace;
import org.denoiselab.science.diffusion.Method;
import org.denoiselab.science.diffusion.Prediction;
import org.denoiselab.science.diffusion.Solver;
import org.denoiselab.science.eval.Extractor;
import org.denoiselab.science.model.Arch;
import org.denoiselab.science.model.FeedForward;
import org.denoiselab.science.model.JitBlock;
import org.denoiselab.science.model.JitSize;
import org.denoiselab.science.model.Norm;
import org.denoiselab.science.spec.RunSpec;
import org.junit.jupiter.api.Test;

/** Presets, overrides and sweep expansion. */
class SweepTest {
    private static final Pattern KEY_SAFE = Pattern.compile("[A-Za-z0-9._-]+");

    private static List<RunSpec> expand(String json) {
        return Sweep.expand(ExperimentRequest.parse(json));
    }

    private static List<String> ids(List<RunSpec> runs) {
        return runs.stream().map(RunSpec::runId).toList();
    }

    @Test
    void presetsExpandToTheirRunCounts() {
        assertEquals(12, expand("{\"preset\": \"toy\"}").size());
        assertEquals(6, expand("{\"preset\": \"fmnist\"}").size());
        assertEquals(1, expand("{\"preset\": \"quick\"}").size());
        assertEquals(
                6,
                expand("{\"preset\": \"cifar10\", \"dataset\": {\"location\": \"/data/cifar\"}}")
                        .size());
        assertEquals(
                6,
                expand("{\"preset\": \"celeba\", \"dataset\": {\"location\": \"datasets/celeba.zip\"}}")
                        .size());
    }

    @Test
    void everyPresetIsValidOnceItsDatasetIsNamed() {
        for (String name : Presets.names()) {
            ExperimentRequest r = Presets.defaults(name);
            List<Violation> v = RequestValidator.structural().validate(r);
            boolean needsLocation = name.equals("cifar10") || name.equals("celeba");
            assertEquals(
                    needsLocation
                            ? List.of(new Violation("dataset.location", "missing: required for " + name))
                            : List.of(),
                    v,
                    name);
        }
    }

    @Test
    void fmnistDefaults() {
        List<RunSpec> runs = expand("{\"experimentId\": \"exp-1a2b\", \"preset\": \"fmnist\"}");
        assertEquals(
                List.of(
                        "exp-1a2b-x-p7",
                        "exp-1a2b-x-p28",
                        "exp-1a2b-eps-p7",
                        "exp-1a2b-eps-p28",
                        "exp-1a2b-v-p7",
                        "exp-1a2b-v-p28"),
                ids(runs));
        RunSpec r = runs.get(0);
        assertEquals("exp-1a2b", r.experimentId());
        assertEquals(new RunSpec.DatasetSpec(DatasetKind.FMNIST, null, 28, 0, 6144), r.dataset());
        assertEquals(new RunSpec.ModelSpec(Arch.JIT, JitSize.T, 7, 128, 0, 0), r.model());
        assertEquals(Method.FLOW, r.method());
        assertEquals(Prediction.X, r.prediction());
        assertEquals(LossSpace.V, r.loss());
        assertEquals(9, r.train().epochs());
        assertEquals(128, r.train().batchSize());
        assertEquals(5e-4, r.train().learningRate());
        assertEquals(3, r.train().checkpointEvery());
        assertEquals("logit_normal", r.train().timeSampling().label());
        assertEquals(-0.8, r.train().tMean());
        assertEquals(0.8, r.train().tStd());
        assertEquals(new RunSpec.SamplingSpec(Solver.HEUN, 10, 8, 500, 0, 1.0), r.sampling());
        assertEquals(new RunSpec.EvalSpec(Extractor.CLASSIFIER, null), r.eval());
    }

    @Test
    void quickIsOneSmallRun() {
        RunSpec r = expand("{\"experimentId\": \"q\", \"preset\": \"quick\"}").get(0);
        assertEquals("q-x-p7", r.runId());
        assertEquals(2048, r.dataset().limit());
        assertEquals(2, r.train().epochs());
        assertEquals(256, r.sampling().numEval());
        assertEquals("heun", r.sampling().solver().label(), "inherited from fmnist");
    }

    @Test
    void toyRunsSweepDimensionAndPrediction() {
        List<RunSpec> runs = expand("{\"experimentId\": \"t\", \"preset\": \"toy\"}");
        assertEquals(
                List.of(
                        "t-x-d2",
                        "t-x-d8",
                        "t-x-d16",
                        "t-x-d512",
                        "t-eps-d2",
                        "t-eps-d8",
                        "t-eps-d16",
                        "t-eps-d512",
                        "t-v-d2",
                        "t-v-d8",
                        "t-v-d16",
                        "t-v-d512"),
                ids(runs));
        RunSpec r = runs.get(3);
        assertEquals(512, r.dataset().toyDim());
        assertEquals(new RunSpec.ModelSpec(Arch.MLP, null, 0, 0, 256, 5), r.model());
        assertEquals("euler", r.sampling().solver().label());
        assertEquals(50, r.sampling().steps());
    }

    @Test
    void requestOverridesPresetFieldsAndKeepsTheRest() {
        List<RunSpec> runs = expand("""
                {"experimentId": "o", "preset": "fmnist", "prediction": "v", "model": {"patch": [14]},
                 "train": {"epochs": 1, "learningRate": [1e-4, 3e-4]}, "sampling": {"steps": 5},
                 "dataset": {"limit": 128}}
                """);
        assertEquals(List.of("o-v-p14-lr1e-4", "o-v-p14-lr3e-4"), ids(runs));
        RunSpec r = runs.get(1);
        assertEquals(3e-4, r.train().learningRate());
        assertEquals(1, r.train().epochs());
        assertEquals(128, r.train().batchSize(), "batch size stays the preset's");
        assertEquals(5, r.sampling().steps());
        assertEquals("heun", r.sampling().solver().label());
        assertEquals(128, r.dataset().limit());
        assertEquals("T", r.model().size().label());
        assertEquals(128, r.model().bottleneck());
    }

    @Test
    void datasetKindChoosesThePresetWhenNoneIsNamed() {
        assertEquals(
                6,
                expand("{\"dataset\": {\"kind\": \"cifar10\", \"location\": \"/d\"}}")
                        .size());
    }

    @Test
    void sweepOrderAndIdsAreStable() {
        String json = """
                {"experimentId": "s1", "preset": "fmnist", "prediction": ["eps", "x"], "loss": ["x", "v"],
                 "model": {"patch": [28, 4], "size": ["S", "T"]}}
                """;
        List<String> first = ids(expand(json));
        assertEquals(ids(expand(json)), first);
        assertEquals(16, first.size());
        assertEquals("s1-eps-xloss-p28-jitS", first.get(0));
        assertEquals("s1-eps-xloss-p28-jitT", first.get(1));
        assertEquals("s1-eps-xloss-p4-jitS", first.get(2));
        assertEquals("s1-x-vloss-p4-jitT", first.get(15));
        assertEquals(16, first.stream().distinct().count());
        assertTrue(first.stream().allMatch(id -> KEY_SAFE.matcher(id).matches()), first.toString());
    }

    @Test
    void generatedExperimentIdIsSharedBySweepRuns() {
        List<RunSpec> runs = expand("{\"preset\": \"fmnist\"}");
        String id = runs.get(0).experimentId();
        assertNotNull(id);
        assertTrue(id.matches("exp-[0-9a-f]{8}"), id);
        assertTrue(runs.stream()
                .allMatch(r -> r.experimentId().equals(id) && r.runId().startsWith(id + "-")));
    }

    @Test
    void acceptDerivesTheSameIdFromTheSameBytes() {
        byte[] json = "{\"preset\": \"quick\"}".getBytes(StandardCharsets.UTF_8);
        Experiment a = Experiments.accept(json, loc -> true);
        Experiment b = Experiments.accept(json, loc -> true);
        assertEquals(a.experimentId(), b.experimentId());
        assertEquals(a.runs(), b.runs());
        assertEquals(a.experimentId(), a.request().experimentId());
        assertEquals("quick", a.request().preset());
    }

    @Test
    void ddpmForcesEpsPredictionEpsLossAndAncestralSampling() {
        List<RunSpec> runs = expand("{\"experimentId\": \"d\", \"preset\": \"fmnist\", \"method\": \"ddpm\"}");
        assertEquals(List.of("d-ddpm-p7", "d-ddpm-p28"), ids(runs));
        for (RunSpec r : runs) {
            assertEquals(Method.DDPM, r.method());
            assertEquals(Prediction.EPS, r.prediction());
            assertEquals(LossSpace.EPS, r.loss());
            assertEquals("ancestral", r.sampling().solver().label());
        }
    }

    @Test
    void resolvingTwiceChangesNothing() {
        ExperimentRequest once =
                Presets.resolve(ExperimentRequest.parse("{\"preset\": \"celeba\", \"method\": \"ddpm\"}"));
        assertEquals(once, Presets.resolve(once));
    }

    @Test
    void compactLearningRates() {
        assertEquals("2e-4", Sweep.compact(2e-4));
        assertEquals("0.001", Sweep.compact(1e-3));
        assertEquals("2.5e-5", Sweep.compact(2.5e-5));
    }

    @Test
    void blockSwitchListsSweepLikeThePapersTable4() {
        List<RunSpec> runs = expand("""
                {"experimentId": "t4", "preset": "fmnist", "prediction": "x",
                 "model": {"patch": 4, "norm": ["layernorm", "rmsnorm"], "mlp": ["gelu", "swiglu"], "rope": true}}
                """);
        assertEquals(
                List.of(
                        "t4-x-p4-layernorm-gelu",
                        "t4-x-p4-layernorm-swiglu",
                        "t4-x-p4-rmsnorm-gelu",
                        "t4-x-p4-rmsnorm-swiglu"),
                ids(runs));
        JitBlock last = runs.get(3).model().block();
        assertEquals(
                new JitBlock(Norm.RMSNORM, FeedForward.SWIGLU, false, true, 0, 0.0),
                last,
                "switches given override the baseline variant; the rest stay the variant's");
        assertEquals(
                JitBlock.BASELINE,
                expand("{\"preset\": \"fmnist\"}").get(0).model().block());
        assertEquals(
                36,
                Sweep.runCount(
                        Presets.resolve(
                                ExperimentRequest.parse(
                                        "{\"preset\": \"fmnist\", \"model\": {\"variant\": [\"baseline\", \"paper\"], \"qkNorm\": [true, false, true]}}"))),
                "3 predictions x 2 patches x 2 variants x 3 qk-norm values (the validator refuses the duplicate)");
    }

    @Test
    void thePaperVariantAndTheSeedStudyPresets() {
        RunSpec c = expand("{\"preset\": \"cifar10\", \"dataset\": {\"location\": \"/data/c\"}}")
                .get(0);
        assertEquals(JitBlock.paper(JitSize.B), c.model().block());
        assertEquals(128, c.model().bottleneck(), "JiT-B's bottleneck");
        assertTrue(c.dataset().randomFlip(), "natural images are flipped");
        assertEquals(List.of(0.9999, 0.9996), c.train().emaDecays());
        assertEquals(List.of(1.0, 1.5, 2.0, 3.0), c.eval().guidanceScales());
        assertEquals(1.0, c.train().noiseScale());
        RunSpec big = expand("{\"preset\": \"celeba\", \"dataset\": {\"location\": \"/data/c\", \"imageSize\": 512},"
                        + " \"model\": {\"patch\": 32}}")
                .get(0);
        assertEquals(2.0, big.train().noiseScale(), "image size / 256 above 256 px");
        assertEquals(
                256,
                expand("{\"preset\": \"cifar10\", \"dataset\": {\"location\": \"/c\"}, \"model\": {\"size\": \"H\"}}")
                        .get(0)
                        .model()
                        .bottleneck(),
                "JiT-H's bottleneck");
        assertFalse(expand("{\"preset\": \"fmnist\"}").get(0).dataset().randomFlip());
    }

    @Test
    void precisionReachesTheRunSpecAndDefaultsToFp32() {
        assertEquals(
                org.denoiselab.science.model.Precision.FP16,
                expand("{\"preset\": \"fmnist\", \"train\": {\"precision\": \"FP16\"}}")
                        .get(0)
                        .train()
                        .precision());
        assertEquals(
                org.denoiselab.science.model.Precision.FP32,
                expand("{\"preset\": \"fmnist\"}").get(0).train().precision());
    }
}
