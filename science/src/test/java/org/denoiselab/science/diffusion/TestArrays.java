package org.denoiselab.science.diffusion;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.denoiselab.science.util.Engines;

/** Shared helpers of the diffusion tests: a seeded CPU manager and array comparisons. */
final class TestArrays {
    private TestArrays() {}

    static NDManager seededManager(int seed) {
        Engines.pytorch().setRandomSeed(seed);
        return NDManager.newBaseManager(Device.cpu(), "PyTorch");
    }

    /** Largest absolute elementwise difference. */
    static double maxAbsDiff(NDArray a, NDArray b) {
        float[] fa = a.toFloatArray();
        float[] fb = b.toFloatArray();
        if (fa.length != fb.length) {
            throw new AssertionError("sizes differ: " + a.getShape() + " vs " + b.getShape());
        }
        double max = 0;
        for (int i = 0; i < fa.length; i++) {
            max = Math.max(max, Math.abs((double) fa[i] - fb[i]));
        }
        return max;
    }

    static boolean allFinite(NDArray a) {
        for (float f : a.toFloatArray()) {
            if (!Float.isFinite(f)) {
                return false;
            }
        }
        return true;
    }
}
