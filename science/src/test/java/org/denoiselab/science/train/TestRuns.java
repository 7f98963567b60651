package org.denoiselab.science.train;

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

/** Small RunSpecs for tests (the dataset kind only names the run: trainers are given their shapes). */
public final class TestRuns {
    private TestRuns() {}

    public static RunSpec jit(String size, int patch, Prediction pred, LossSpace loss, double lr, double labelDrop) {
        return new RunSpec(
                "test-run",
                "test-exp",
                new RunSpec.DatasetSpec(DatasetKind.FMNIST, null, 0, 0, 0),
                new RunSpec.ModelSpec(Arch.JIT, Choice.parse(JitSize.class, size), patch, 16, 0, 0),
                Method.FLOW,
                pred,
                loss,
                new RunSpec.TrainSpec(
                        1,
                        4,
                        lr,
                        0,
                        0.99,
                        TimeSampling.LOGIT_NORMAL,
                        -0.8,
                        0.8,
                        1.0,
                        labelDrop,
                        1,
                        7,
                        0,
                        Precision.FP32),
                new RunSpec.SamplingSpec(Solver.HEUN, 5, 2, 4, 3, 1.0),
                new RunSpec.EvalSpec(Extractor.NONE, null));
    }

    /**
     * A JiT-T/4 x-prediction run over {@code epochs} epochs of batches of {@code batchSize}, with random
     * flips, label dropping 0.3 and the given precision.
     */
    public static RunSpec flippedJit(int epochs, int batchSize, Precision precision) {
        RunSpec base = jit("T", 4, Prediction.X, LossSpace.V, 1e-3, 0.3);
        return new RunSpec(
                base.runId(),
                base.experimentId(),
                new RunSpec.DatasetSpec(DatasetKind.FMNIST, null, 0, 0, 0, true),
                base.model(),
                base.method(),
                base.prediction(),
                base.loss(),
                new RunSpec.TrainSpec(
                        epochs,
                        batchSize,
                        1e-3,
                        0,
                        0.99,
                        TimeSampling.LOGIT_NORMAL,
                        -0.8,
                        0.8,
                        1.0,
                        0.3,
                        1,
                        11,
                        0,
                        precision),
                base.sampling(),
                base.eval());
    }
}
