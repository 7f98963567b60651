package org.denoiselab.pipeline.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import org.denoiselab.pipeline.store.ObjectLayout;
import org.denoiselab.science.data.DatasetKind;
import org.denoiselab.science.diffusion.LossSpace;
import org.denoiselab.science.diffusion.Method;
import org.denoiselab.science.diffusion.Prediction;
import org.denoiselab.science.diffusion.Solver;
import org.denoiselab.science.diffusion.TimeSampling;
import org.denoiselab.science.eval.Extractor;
import org.denoiselab.science.model.Arch;
import org.denoiselab.science.model.JitSize;
import org.denoiselab.science.model.Precision;
import org.denoiselab.science.spec.Choice;
import org.denoiselab.science.spec.RunSpec;
import org.junit.jupiter.api.Test;

/** The jobs' rules that need no store: keys, sample counts, extractor choice, settings checks. */
class JobRulesTest {

    static RunSpec run(String kind, int toyDim, int gridSize, int numEval, String extractor) {
        return new RunSpec(
                "r1",
                "e1",
                new RunSpec.DatasetSpec(Choice.parse(DatasetKind.class, kind), null, 0, toyDim, 0),
                new RunSpec.ModelSpec(Arch.JIT, JitSize.T, 7, 0, 0, 0),
                Method.FLOW,
                Prediction.X,
                LossSpace.V,
                new RunSpec.TrainSpec(1, 64, 1e-3, 0, 0, TimeSampling.UNIFORM, 0, 1, 1, 0, 1, 0, 0, Precision.FP32),
                new RunSpec.SamplingSpec(Solver.EULER, 2, gridSize, numEval, 0, 1),
                new RunSpec.EvalSpec(extractor == null ? null : Choice.parse(Extractor.class, extractor), null));
    }

    @Test
    void keysOfCheckpointEventsAndEvaluations() {
        assertEquals("runs/r1/checkpoints/epoch-0003.json", ObjectLayout.checkpointEvent("r1", 3));
        assertEquals("runs/r1/evals/epoch-0003-classifier.json", ObjectLayout.evaluation("r1", 3, "classifier"));
        assertEquals(3, ObjectLayout.epochOf(ObjectLayout.checkpointEvent("r1", 3)));
        assertTrue(ObjectLayout.checkpoint("r1", 3).startsWith(ObjectLayout.checkpointsPrefix("r1")));
        assertThrows(IllegalArgumentException.class, () -> ObjectLayout.evaluation("r1", 3, "../x"));
    }

    @Test
    void atLeastAFullGridIsSampled() {
        assertEquals(64, SampleJob.numSamples(run("fmnist", 0, 8, 10, "classifier")));
        assertEquals(1000, SampleJob.numSamples(run("fmnist", 0, 8, 1000, "classifier")));
        assertEquals(5, SampleJob.numSamples(run("toy", 8, 8, 5, "none")));
    }

    @Test
    void toyRunsAreScoredAsToysAndUnknownExtractorsAreNamed() {
        assertEquals(EvalJob.TOY, EvalJob.extractorOf(run("toy", 8, 8, 5, "none")));
        assertEquals("inception", EvalJob.extractorOf(run("cifar10", 0, 8, 5, "inception")));
        // an unknown extractor is refused where it is named (the validator reports it as evaluation.extractor)
        IllegalArgumentException unknown =
                assertThrows(IllegalArgumentException.class, () -> run("fmnist", 0, 8, 5, "vgg"));
        assertTrue(unknown.getMessage().contains("'vgg'"), unknown.getMessage());
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> EvalJob.extractorOf(run("fmnist", 0, 8, 5, null)));
        assertTrue(e.getMessage().contains("evaluation.extractor"), e.getMessage());
        assertEquals("celeba64", EvalJob.datasetLabel(new RunSpec.DatasetSpec(DatasetKind.CELEBA, "/d", 64, 0, 0)));
        assertEquals("fmnist", EvalJob.datasetLabel(new RunSpec.DatasetSpec(DatasetKind.FMNIST, null, 0, 0, 0)));
    }

    @Test
    void badSettingsAreNamed() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> new JobSettings(Device.cpu(), 100, 0, 64, 10, null, 0));
        assertTrue(e.getMessage().contains("classifierEpochs"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new JobSettings(null, 100, 1, 64, 10, null, 0));
        assertEquals(
                7,
                new JobSettings(Device.cpu(), 100, 1, 64, 10, null, 0)
                        .withReferenceImages(7)
                        .referenceImages());
    }

    @Test
    void failureReasons() {
        assertEquals(
                "loss is NaN at step 3 (epoch 0)",
                TrainJob.reason(
                        new org.denoiselab.science.train.Trainer.DivergedException("loss is NaN at step 3 (epoch 0)")));
        assertEquals("IllegalStateException: boom", TrainJob.reason(new IllegalStateException("boom")));
    }
}
