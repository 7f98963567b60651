package org.denoiselab.science.diffusion;

import static org.denoiselab.science.diffusion.TestArrays.maxAbsDiff;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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
            NDArray expected =
                    x.get(i).mul((float) Math.sqrt(ab[ks[b]])).add(e.get(i).mul((float) Math.sqrt(1 - ab[ks[b]])));
            assertTrue(maxAbsDiff(noisy.get(i), expected) < 1e-6, "sample " + b);
        }
        assertEquals(0f, Ddpm.loss(e, e).getFloat());
        assertEquals(4f, Ddpm.loss(e.add(2f), e).getFloat(), 1e-5);
        assertThrows(IllegalArgumentException.class, () -> ddpm.noisy(x, e, manager.create(new int[] {0, 1, 1000})));
    }

    /** the ideal eps-predictor for a single data point x0, recovering k from the network time */
    private Network oracle(NDArray x0) {
        double[] ab = ddpm.alphaBars();
        return (z, t) -> {
            int k = (int) Math.round((1 - t.getFloat(0)) * ddpm.steps());
            // computed from z so that temporaries land in the sampler's step scope, not the test's manager
            NDArray signal = z.zerosLike().add(x0).mul((float) Math.sqrt(ab[k]));
            return z.sub(signal).div((float) Math.sqrt(1 - ab[k]));
        };
    }

    @Test
    void ancestralSamplingWithOracleEpsEndsAtTheDataPoint() {
        // data in the images' range [-1, 1], where clipping the predicted x0 changes nothing
        NDArray x0 = manager.randomUniform(-0.9f, 0.9f, new Shape(1, 3, 4), DataType.FLOAT32);
        Network oracle = oracle(x0);
        NDArray noise = manager.randomNormal(new Shape(5, 3, 4));
        int arraysBefore = manager.getManagedArrays().size();
        NDArray sample = ddpm.sample(oracle, noise);
        assertEquals(arraysBefore + 1, manager.getManagedArrays().size(), "only the sample is left behind");
        assertFalse(noise.isReleased());
        assertTrue(
                maxAbsDiff(sample, x0.broadcast(noise.getShape())) < 1e-2,
                "distance " + maxAbsDiff(sample, x0.broadcast(noise.getShape())));
    }

    @Test
    void aStridedChainVisitsEvenlySpacedStepsAndStillEndsAtTheDataPoint() {
        assertArrayEquals(new int[] {0, 333, 666, 999}, ddpm.strided(4));
        assertArrayEquals(new int[] {999}, ddpm.strided(1));
        assertEquals(1000, ddpm.strided(1000).length);
        assertEquals(999, ddpm.strided(1000)[999]);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ddpm.strided(1001));
        assertTrue(e.getMessage().contains("1..1000"), e.getMessage());
        NDArray x0 = manager.randomUniform(-0.9f, 0.9f, new Shape(1, 3, 4), DataType.FLOAT32);
        int[] calls = {0};
        Network oracle = oracle(x0);
        Network counted = (z, t) -> {
            calls[0]++;
            return oracle.apply(z, t);
        };
        NDArray noise = manager.randomNormal(new Shape(5, 3, 4));
        NDArray sample = ddpm.sample(counted, noise, 50, true);
        assertEquals(50, calls[0], "one network call per strided step");
        assertTrue(
                maxAbsDiff(sample, x0.broadcast(noise.getShape())) < 1e-2,
                "distance " + maxAbsDiff(sample, x0.broadcast(noise.getShape())));
    }

    @Test
    void unclippedPosteriorMeanIsAlgorithmTwoAndClippingBoundsThePredictedX0() {
        // one step from k = 500 with a constant eps: compare with Ho et al.'s Algorithm 2 mean, no noise
        // added (k = 0 is the last step: take abPrev through the two-step chain {0, 500})
        Ddpm two = new Ddpm();
        NDArray z = manager.randomNormal(new Shape(2, 3));
        NDArray eps = manager.randomNormal(new Shape(2, 3)).mul(3f);
        double[] ab = two.alphaBars();
        Network constant = (zz, t) -> zz.zerosLike().add(eps);
        // a 1-step chain from k = 999 lands on the predicted x0 (mean coefficient 1 on x0, 0 on z)
        NDArray x0Unclipped = two.sample(constant, z, 1, false);
        NDArray expected = z.sub(eps.mul((float) Math.sqrt(1 - ab[999]))).div((float) Math.sqrt(ab[999]));
        assertTrue(maxAbsDiff(x0Unclipped, expected)
                < 1e-4 * (1 + expected.abs().max().getFloat()));
        NDArray x0Clipped = two.sample(constant, z, 1, true);
        assertTrue(maxAbsDiff(x0Clipped, expected.clip(-1, 1)) < 1e-6);
        assertTrue(x0Clipped.abs().max().getFloat() <= 1f);
    }
}
