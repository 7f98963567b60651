package org.denoiselab.science.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;
import org.denoiselab.science.diffusion.LossSpace;
import org.denoiselab.science.diffusion.Prediction;
import org.denoiselab.science.diffusion.Solver;
import org.denoiselab.science.model.Denoiser;
import org.denoiselab.science.model.JiT;
import org.denoiselab.science.model.JitBlock;
import org.denoiselab.science.model.ParamSet;
import org.denoiselab.science.spec.RunSpec;
import org.denoiselab.science.util.Engines;
import org.junit.jupiter.api.Test;

/**
 * Sampling keeps nothing of a network call beyond its sampler step: the number of live arrays is the
 * same at every call of a chunk, with or without guidance. Before, the labels (and their embedding) were
 * made once per chunk, and whatever a model derived from them stayed until the chunk ended; with the
 * paper block's in-context tokens, a 256-sample Fashion-MNIST chunk grew the process to 24 GB.
 */
class SamplingScopeTest {
    /** counts the live arrays under {@code root} at every call, then runs the model */
    private static final class Counting extends Denoiser {
        private final NDManager root;
        private final Denoiser model;
        final List<Integer> live = new ArrayList<>();

        Counting(NDManager root, Denoiser model) {
            super(root, model.numClasses(), model.sampleShape());
            this.root = root;
            this.model = model;
        }

        @Override
        public NDArray forward(ParamSet weights, NDArray z, NDArray t, NDArray labels) {
            live.add(root.getManagedArrays().size());
            return model.forward(model.params(), z, t, labels);
        }

        @Override
        public String describe() {
            return model.describe();
        }
    }

    @Test
    void everyNetworkCallOfAChunkStartsWithTheSameLiveArrays() {
        Engines.pytorch();
        RunSpec spec = TestRuns.jit("T", 7, Prediction.X, LossSpace.V, 1e-3, 0.1);
        // a small JiT with every switch of the paper's block, 4 in-context tokens joining at block 1
        JitBlock paper = new JitBlock(
                org.denoiselab.science.model.Norm.RMSNORM,
                org.denoiselab.science.model.FeedForward.SWIGLU,
                true,
                true,
                4,
                0.0);
        for (double cfg : new double[] {1.0, 2.0}) {
            try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch");
                    JiT jit = new JiT(m, "tiny", 2, 32, 2, 1, paper, 1, 28, 28, 7, 16, 10, 3);
                    Counting counting = new Counting(m, jit)) {
                RunSpec.SamplingSpec euler = new RunSpec.SamplingSpec(Solver.EULER, 6, 2, 4, 3, cfg, 0.0, 1.0, true);
                float[] samples = Sampling.generate(counting, jit.params(), spec, euler, 5);
                assertEquals(5 * 28 * 28, samples.length);
                int callsPerStep = cfg == 1.0 ? 1 : 2;
                assertEquals(6 * callsPerStep, counting.live.size(), "one call per step and guidance pass");
                // from the second step on (the first has the noise but no state of its own yet), the first
                // call of every step sees the same live arrays: one state, nothing left of earlier calls
                for (int i = 2 * callsPerStep; i < counting.live.size(); i += callsPerStep) {
                    assertEquals(
                            counting.live.get(callsPerStep),
                            counting.live.get(i),
                            "cfg " + cfg + ": live arrays at the first call of step " + i / callsPerStep + " of "
                                    + counting.live);
                }
                assertTrue(counting.live.get(0) > 0);
            }
        }
    }
}
