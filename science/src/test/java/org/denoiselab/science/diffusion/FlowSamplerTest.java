package org.denoiselab.science.diffusion;

import static org.denoiselab.science.diffusion.TestArrays.maxAbsDiff;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.denoiselab.science.spec.Choice;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FlowSamplerTest {
    private static final int STEPS = 10;
    private NDManager manager;
    private NDArray point;
    private NDArray noise;

    @BeforeEach
    void setUp() {
        manager = TestArrays.seededManager(3);
        point = manager.randomNormal(new Shape(1, 2, 3, 3));
        noise = manager.randomNormal(new Shape(4, 2, 3, 3));
    }

    @AfterEach
    void tearDown() {
        manager.close();
    }

    /** The ideal x-predictor when the data is a single point: x̂ = that point, whatever z and t. */
    private Network oracle(AtomicInteger calls, List<Float> times) {
        return (z, t) -> {
            calls.incrementAndGet();
            times.add(t.getFloat(0));
            return z.mul(0f).add(point);
        };
    }

    @Test
    void eulerWithOracleLandsOnThePoint() {
        AtomicInteger calls = new AtomicInteger();
        List<Float> times = new ArrayList<>();
        NDArray x = FlowSampler.sample(oracle(calls, times), Prediction.X, noise, STEPS, Solver.EULER);
        assertTrue(maxAbsDiff(x, point.broadcast(noise.getShape())) < 1e-4);
        assertEquals(STEPS, calls.get());
        assertEquals(0f, times.get(0));
        assertEquals(0.9f, times.get(STEPS - 1), 1e-6);
    }

    @Test
    void heunWithOracleLandsOnThePointWithTwoStepsMinusOneCalls() {
        AtomicInteger calls = new AtomicInteger();
        List<Float> times = new ArrayList<>();
        NDArray x = FlowSampler.sample(oracle(calls, times), Prediction.X, noise, STEPS, Solver.HEUN);
        assertTrue(maxAbsDiff(x, point.broadcast(noise.getShape())) < 1e-4);
        assertEquals(2 * STEPS - 1, calls.get());
        assertFalse(times.contains(1f), "the last step is Euler: the network never sees t = 1");
    }

    @Test
    void heunIsExactForVelocityLinearInTime() {
        // v-pred network returning v = t * c: z(1) = z(0) + c / 2, which the trapezoid rule integrates exactly
        // on every step but the last (Euler); compare against that analytic mix
        NDArray c = manager.randomNormal(noise.getShape());
        Network net = (z, t) -> c.mul(t.getFloat(0));
        NDArray heun = FlowSampler.sample(net, Prediction.V, noise, 4, Solver.HEUN);
        // exact over [0, 0.75] gives 0.75^2/2 c, then Euler over [0.75, 1] adds 0.25 * 0.75 c
        NDArray expected = noise.add(c.mul(0.75f * 0.75f / 2 + 0.25f * 0.75f));
        assertTrue(maxAbsDiff(heun, expected) < 1e-5);
    }

    @Test
    void memoryStaysFlatAndTheNoiseIsUntouched() {
        NDArray before = noise.duplicate();
        int arraysBefore = manager.getManagedArrays().size();
        NDArray x = FlowSampler.sample(
                oracle(new AtomicInteger(), new ArrayList<>()), Prediction.X, noise, STEPS, Solver.HEUN);
        assertEquals(arraysBefore + 1, manager.getManagedArrays().size(), "only the sample is left behind");
        assertEquals(manager, x.getManager());
        assertFalse(noise.isReleased());
        assertEquals(manager, noise.getManager());
        assertEquals(0.0, maxAbsDiff(noise, before));
    }

    @Test
    void solverNamesParse() {
        assertEquals(Solver.HEUN, Choice.parse(Solver.class, "Heun"));
        assertEquals(Solver.EULER, Choice.parse(Solver.class, "euler"));
        IllegalArgumentException error =
                assertThrows(IllegalArgumentException.class, () -> Choice.parse(Solver.class, "rk4"));
        assertTrue(error.getMessage().contains("'rk4'"), error.getMessage());
        assertThrows(
                IllegalArgumentException.class,
                () -> FlowSampler.sample((z, t) -> z, Prediction.X, noise, 0, Solver.EULER));
    }
}
