package org.denoiselab.core.diffusion;

import static org.denoiselab.core.diffusion.TestArrays.maxAbsDiff;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DdpmTest {
    private final Ddpm ddpm = new Ddpm();
    private NDManager manager;

    @BeforeEach
    void setUp() {
        manager = TestArrays.seededManager(9);
    }

    @AfterEach
    void tearDown() {
        manager.close();
    }

    @Test
    void linearScheduleEndpointsAndFinalAlphaBar() {
        double[] betas = ddpm.betas();
        assertEquals(1000, betas.length);
        assertEquals(1e-4, betas[0], 1e-12);
        assertEquals(0.02, betas[999], 1e-12);
        double abLast = ddpm.alphaBars()[999];
        assertTrue(abLast > 3.5e-5 && abLast < 4.5e-5, "alphaBar at T-1: " + abLast);
        assertEquals(1 - 1e-4, ddpm.alphaBars()[0], 1e-12);
        assertEquals(1.0, ddpm.timeForNetwork(0));
        assertEquals(0.001, ddpm.timeForNetwork(999), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> ddpm.timeForNetwork(1000));
    }

    @Test
    void sampledStepsAreIntegersInRange() {
        NDArray steps = ddpm.sampleSteps(manager, 5000);
        assertEquals(DataType.INT64, steps.getDataType());
        assertEquals(new Shape(5000), steps.getShape());
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        for (long k : steps.toLongArray()) {
            min = Math.min(min, k);
            max = Math.max(max, k);
        }
        assertTrue(min >= 0 && max < 1000, min + ".." + max);
        assertTrue(min < 10 && max > 990, "covers the range: " + min + ".." + max);
        NDArray t = ddpm.timeForNetwork(steps);
        assertEquals(1.0 - steps.getLong(7) / 1000.0, t.getFloat(7), 1e-6);
    }

    @Test
    void forwardProcessMixesPerSample() {
        NDArray x = manager.randomNormal(new Shape(3, 2, 2));
        NDArray e = manager.randomNormal(new Shape(3, 2, 2));
        NDArray steps = manager.create(new int[] {0, 500, 999});
        NDArray noisy = ddpm.noisy(x, e, steps);
        double[] ab = ddpm.alphaBars();
        int[] ks = {0, 500, 999};
        for (int b = 0; b < 3; b++) {
            NDIndex i = new NDIndex(b);
            NDArray expected = x.get(i).mul((float) Math.sqrt(ab[ks[b]])).add(e.get(i).mul((float) Math.sqrt(1 - ab[ks[b]])));
            assertTrue(maxAbsDiff(noisy.get(i), expected) < 1e-6, "sample " + b);
        }
        assertEquals(0f, Ddpm.loss(e, e).getFloat());
        assertEquals(4f, Ddpm.loss(e.add(2f), e).getFloat(), 1e-5);
        assertThrows(IllegalArgumentException.class, () -> ddpm.noisy(x, e, manager.create(new int[] {0, 1, 1000})));
    }

    @Test
    void ancestralSamplingWithOracleEpsEndsAtTheDataPoint() {
        NDArray x0 = manager.randomNormal(new Shape(1, 3, 4));
        double[] ab = ddpm.alphaBars();
        // the ideal eps-predictor for a single data point x0, recovering k from the network time
        Network oracle = (z, t) -> {
            int k = (int) Math.round((1 - t.getFloat(0)) * ddpm.steps());
            // computed from z so that temporaries land in the sampler's step scope, not the test's manager
            NDArray signal = z.zerosLike().add(x0).mul((float) Math.sqrt(ab[k]));
            return z.sub(signal).div((float) Math.sqrt(1 - ab[k]));
        };
        NDArray noise = manager.randomNormal(new Shape(5, 3, 4));
        int arraysBefore = manager.getManagedArrays().size();
        NDArray sample = ddpm.sample(oracle, noise);
        assertEquals(arraysBefore + 1, manager.getManagedArrays().size(), "only the sample is left behind");
        assertFalse(noise.isReleased());
        assertTrue(maxAbsDiff(sample, x0.broadcast(noise.getShape())) < 1e-2, "distance " + maxAbsDiff(sample, x0.broadcast(noise.getShape())));
    }
}
