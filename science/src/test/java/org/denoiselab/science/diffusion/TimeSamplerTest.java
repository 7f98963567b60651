package org.denoiselab.science.diffusion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.denoiselab.science.spec.Choice;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TimeSamplerTest {
    private static final int N = 200_000;
    private NDManager manager;

    @BeforeEach
    void setUp() {
        manager = TestArrays.seededManager(5);
    }

    @AfterEach
    void tearDown() {
        manager.close();
    }

    @Test
    void logitNormalHasTheRequestedLogitMoments() {
        NDArray t = TimeSampler.of(Choice.parse(TimeSampling.class, "logit_normal"), -0.8, 0.8)
                .sample(manager, N);
        assertEquals(new Shape(N), t.getShape());
        assertEquals(DataType.FLOAT32, t.getDataType());
        double sum = 0;
        double sumSq = 0;
        for (float v : t.toFloatArray()) {
            assertTrue(v > 0 && v < 1, "t in (0, 1): " + v);
            double logit = Math.log(v / (1.0 - v));
            sum += logit;
            sumSq += logit * logit;
        }
        double mean = sum / N;
        double std = Math.sqrt(sumSq / N - mean * mean);
        assertEquals(-0.8, mean, 0.01);
        assertEquals(0.8, std, 0.01);
    }

    @Test
    void uniformHasMeanOneHalf() {
        NDArray t = TimeSampler.of(Choice.parse(TimeSampling.class, "Uniform"), 0, 0)
                .sample(manager, N);
        assertEquals(new Shape(N), t.getShape());
        double sum = 0;
        for (float v : t.toFloatArray()) {
            assertTrue(v >= 0 && v <= 1, "t in [0, 1]: " + v);
            sum += v;
        }
        assertEquals(0.5, sum / N, 0.005);
    }

    @Test
    void kindNamesAreParsedAndUnknownOnesNamed() {
        assertEquals(
                new TimeSampler.LogitNormal(-0.8, 0.8),
                TimeSampler.of(Choice.parse(TimeSampling.class, "logit-normal"), -0.8, 0.8));
        assertEquals(new TimeSampler.Uniform(), TimeSampler.of(Choice.parse(TimeSampling.class, " uniform "), 1, 2));
        IllegalArgumentException error = assertThrows(
                IllegalArgumentException.class, () -> TimeSampler.of(Choice.parse(TimeSampling.class, "gamma"), 0, 1));
        assertTrue(error.getMessage().contains("'gamma'"), error.getMessage());
        assertThrows(
                IllegalArgumentException.class,
                () -> TimeSampler.of(Choice.parse(TimeSampling.class, "logit_normal"), 0, -1));
    }
}
