package org.denoiselab.science.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.denoiselab.science.diffusion.Network;
import org.denoiselab.science.diffusion.Solver;
import org.denoiselab.science.model.Denoiser;
import org.denoiselab.science.model.ParamSet;
import org.denoiselab.science.spec.RunSpec;
import org.denoiselab.science.tensor.Tensors;
import org.denoiselab.science.util.Engines;
import org.junit.jupiter.api.Test;

/**
 * Classifier-free guidance inside the interval only (the paper's 0.1 < t < 1): a stub network whose
 * output is its label (so cond and uncond are told apart) shows uncond + w (cond - uncond) inside and
 * the conditional output alone outside, where the unconditional pass is not even run.
 */
class GuidanceTest {
    private static final int NULL_CLASS = 10;

    /** outputs, for every pixel, the sample's label (the null class outputs 10) */
    private static final class LabelEcho extends Denoiser {
        int calls;

        LabelEcho(NDManager m) {
            super(m, NULL_CLASS, new int[] {1, 1, 2});
        }

        @Override
        public NDArray forward(ParamSet weights, NDArray z, NDArray t, NDArray labels) {
            calls++;
            return z.zerosLike().add(labels.toType(DataType.FLOAT32, false).reshape(-1, 1, 1, 1));
        }

        @Override
        public String describe() {
            return "label echo";
        }
    }

    @Test
    void guidanceAppliesInsideTheIntervalAndTheConditionalAloneOutside() {
        Engines.pytorch();
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch");
                LabelEcho echo = new LabelEcho(m)) {
            RunSpec.SamplingSpec s = new RunSpec.SamplingSpec(Solver.EULER, 10, 2, 4, 0, 3.0, 0.1, 1.0, true);
            assertFalse(s.guidedAt(0.1), "the interval is open at 0.1");
            assertTrue(s.guidedAt(0.5));
            assertFalse(s.guidedAt(0.05));
            assertTrue(
                    new RunSpec.SamplingSpec(Solver.EULER, 10, 2, 4, 0, 3.0, 0.0, 1.0, true).guidedAt(0.0),
                    "low = 0 includes t = 0, as the reference's (low == 0) | (t > low)");
            Network net = Sampling.guided(echo, echo.params(), new long[] {2, 7}, s);
            NDArray z = m.zeros(new Shape(2, 1, 1, 2));
            NDArray early = m.full(new Shape(2), 0.05f);
            NDArray late = m.full(new Shape(2), 0.5f);

            echo.calls = 0;
            float[] outside = net.apply(z, early, 0.05).toFloatArray();
            assertArrayEquals(new float[] {2, 2, 7, 7}, outside, "cond alone at t = 0.05");
            assertEquals(1, echo.calls, "no unconditional pass outside the interval");

            echo.calls = 0;
            float[] inside = net.apply(z, late, 0.5).toFloatArray();
            // uncond + 3 (cond - uncond) = 10 + 3 (label - 10)
            assertArrayEquals(new float[] {-14, -14, 1, 1}, inside, "guided at t = 0.5");
            assertEquals(2, echo.calls);

            // per-sample times (no common value): the same rule sample by sample
            NDArray mixed = Tensors.of(m, new float[] {0.05f, 0.5f});
            assertArrayEquals(new float[] {2, 2, 1, 1}, net.apply(z, mixed).toFloatArray());
        }
    }
}
