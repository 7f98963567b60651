package org.denoiselab.science.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import org.denoiselab.science.util.Engines;
import org.junit.jupiter.api.Test;

class OpsTest {
    @Test
    void geluIsTheExactFormAndWithin5e4OfTheTanhApproximation() {
        Engines.pytorch();
        float[] xs = new float[4001];
        for (int i = 0; i < xs.length; i++) {
            xs[i] = -8f + i * 0.004f;
        }
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            float[] g = Ops.gelu(m.create(xs)).toFloatArray();
            double maxDiff = 0;
            for (int i = 0; i < xs.length; i++) {
                double x = xs[i];
                double tanhForm = 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)));
                maxDiff = Math.max(maxDiff, Math.abs(g[i] - tanhForm));
            }
            assertTrue(maxDiff < 5e-4, "max |gelu - gelu_tanh| = " + maxDiff);
            // exact form at x = 1: 0.5 (1 + erf(1 / sqrt 2)) = 0.841345
            assertEquals(0.841345f, Ops.gelu(m.create(new float[] {1f})).getFloat(0), 1e-5f);
        }
    }
}
