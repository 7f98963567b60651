package org.denoiselab.science.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.denoiselab.science.diffusion.FlowMatching;
import org.denoiselab.science.diffusion.LossSpace;
import org.denoiselab.science.diffusion.Prediction;
import org.denoiselab.science.model.JiT;
import org.denoiselab.science.model.JitSize;
import org.denoiselab.science.model.ParamSet;
import org.denoiselab.science.tensor.NoGrad;
import org.denoiselab.science.tensor.Tensors;
import org.denoiselab.science.util.Engines;
import org.junit.jupiter.api.Test;

/**
 * The kind of fault behind wrong gradients: Java-owned memory that PyTorch's graph outlives. A garbage
 * collection between forward and backward, followed by heavy create-and-close of Java-backed scalar
 * tensors (which reuses the freed buffers), must not change a single bit of any gradient of a JiT step
 * with the flow-matching loss. Before core.tensor existed, the attention scale {@code q.mul(1/sqrt(d))}
 * made this fail for every block's qkv weights.
 */
class GraphMemoryTest {

    @Test
    void gradientsOfAJitStepDoNotDependOnGarbageCollectionBetweenForwardAndBackward() {
        for (Prediction pred : new Prediction[] {Prediction.X, Prediction.EPS}) {
            Map<String, float[]> quiet = gradients(pred, false);
            Map<String, float[]> churned = gradients(pred, true);
            assertEquals(quiet.keySet(), churned.keySet());
            int nonZero = 0;
            for (String name : quiet.keySet()) {
                assertArrayEquals(quiet.get(name), churned.get(name), pred + "-pred gradient of " + name);
                for (float g : quiet.get(name)) {
                    if (g != 0) {
                        nonZero++;
                        break;
                    }
                }
            }
            assertTrue(
                    nonZero >= quiet.size() - 1,
                    "the step reaches (almost) every weight: " + nonZero + " of " + quiet.size());
        }
    }

    /** every parameter's gradient after one v-loss step on random (not zero-initialised) weights */
    private static Map<String, float[]> gradients(Prediction pred, boolean churn) {
        Engines.pytorch();
        Map<String, float[]> out = new java.util.LinkedHashMap<>();
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch");
                JiT model = new JiT(m, JitSize.T, 1, 16, 16, 4, 16, 10, 3)) {
            JniUtils.setSeed(5);
            randomize(model.params(), m);
            model.params().requireGradients();
            try (NDManager s = m.newSubManager()) {
                NDArray x = s.randomUniform(-1f, 1f, new Shape(4, 1, 16, 16), DataType.FLOAT32);
                NDArray e = s.randomNormal(x.getShape());
                NDArray t = s.randomUniform(0f, 1f, new Shape(4), DataType.FLOAT32);
                NDArray y = Tensors.of(s, new long[] {1, 2, 10, 4});
                try (GradientCollector gc = Engines.pytorch().newGradientCollector()) {
                    NDArray z = FlowMatching.interpolate(x, e, t);
                    NDArray o = model.forward(model.params(), z, t, y);
                    NDArray loss = FlowMatching.loss(pred, LossSpace.V, o, x, e, z, t);
                    if (churn) {
                        churn(s);
                    }
                    gc.backward(loss);
                }
                for (Map.Entry<String, NDArray> p : model.params().arrays().entrySet()) {
                    out.put(p.getKey(), p.getValue().getGradient().toFloatArray());
                }
            }
        }
        return out;
    }

    private static void randomize(ParamSet params, NDManager m) {
        try (NoGrad ignored = NoGrad.enter();
                NDManager s = m.newSubManager()) {
            for (NDArray p : params.arrays().values()) {
                NDArray r = s.randomNormal(0f, 0.05f, p.getShape(), DataType.FLOAT32);
                Tensors.copy(r, p);
            }
        }
    }

    /** what a busy JVM does between a forward and its backward */
    @SuppressWarnings("unused")
    private static void churn(NDManager m) {
        List<byte[]> garbage = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            garbage.add(new byte[1 << 20]);
            System.gc();
        }
        for (int i = 0; i < 10_000; i++) {
            try (NDArray seven = m.create(7f)) { // Java-backed on purpose: reuses freed direct buffers
                assertEquals(7f, seven.getFloat());
            }
        }
        System.gc();
    }
}
