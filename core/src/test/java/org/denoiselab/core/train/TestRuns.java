package org.denoiselab.core.train;

import org.denoiselab.core.diffusion.Target;
import org.denoiselab.core.experiment.RunSpec;

/** Small RunSpecs for tests. */
public final class TestRuns {
    private TestRuns() {}

    public static RunSpec jit(String size, int patch, Target pred, Target loss, double lr, double labelDrop) {
        return new RunSpec("test-run", "test-exp",
                new RunSpec.DatasetSpec("synthetic", null, 0, 0, 0),
                new RunSpec.ModelSpec("jit", size, patch, 16, 0, 0),
                RunSpec.Method.FLOW, pred, loss,
                new RunSpec.TrainSpec(1, 4, lr, 0, 0.99, "logit_normal", -0.8, 0.8, 1.0, labelDrop, 1, 7),
                new RunSpec.SamplingSpec("heun", 5, 2, 4, 3, 1.0),
                new RunSpec.EvalSpec("none", null));
    }
}
