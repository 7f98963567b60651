package org.denoiselab.science.diffusion;

import static org.denoiselab.science.diffusion.TestArrays.allFinite;
import static org.denoiselab.science.diffusion.TestArrays.maxAbsDiff;
import static org.junit.jupiter.api.Assertions.assertEquals;
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

class FlowMatchingTest {
    private static final int B = 6;
    private NDManager manager;
    private NDArray x;
    private NDArray e;
    private NDArray t;
    private NDArray z;

    @BeforeEach
    void setUp() {
        manager = TestArrays.seededManager(11);
        Shape shape = new Shape(B, 3, 4, 4);
        x = manager.randomNormal(shape);
        e = manager.randomNormal(shape);
        t = manager.randomUniform(0.1f, 0.9f, new Shape(B), DataType.FLOAT32);
        z = FlowMatching.interpolate(x, e, t);
    }

    @AfterEach
    void tearDown() {
        manager.close();
    }

    private NDArray truth(Prediction target) {
        switch (target) {
            case X:
                return x;
            case EPS:
                return e;
            default:
                return x.sub(e);
        }
    }

    @Test
    void interpolationIsPerSampleMix() {
        float[] tv = t.toFloatArray();
        for (int b = 0; b < B; b++) {
            NDIndex i = new NDIndex(b);
            NDArray expected = x.get(i).mul(tv[b]).add(e.get(i).mul(1 - tv[b]));
            assertTrue(maxAbsDiff(z.get(i), expected) < 1e-6, "sample " + b);
        }
    }

    @Test
    void allNineConversionsRecoverTheTruthAndGiveZeroLoss() {
        for (Prediction pred : Prediction.values()) {
            NDArray out = truth(pred);
            for (Prediction space : Prediction.values()) {
                String combo = pred.label() + "-pred in " + space.label() + " space";
                NDArray converted = FlowMatching.convert(pred, space, out, z, t);
                assertEquals(z.getShape(), converted.getShape(), combo);
                assertTrue(
                        maxAbsDiff(converted, truth(space)) < 1e-4, combo + ": " + maxAbsDiff(converted, truth(space)));
                float loss = FlowMatching.loss(pred, LossSpace.valueOf(space.name()), out, x, e, z, t)
                        .getFloat();
                assertTrue(loss >= 0 && loss < 1e-8, combo + " loss " + loss);
            }
        }
    }

    @Test
    void dedicatedConvertersAgreeWithConvert() {
        for (Prediction pred : Prediction.values()) {
            NDArray out = truth(pred);
            assertTrue(
                    maxAbsDiff(FlowMatching.toX(pred, out, z, t), FlowMatching.convert(pred, Prediction.X, out, z, t))
                            == 0);
            assertTrue(maxAbsDiff(
                            FlowMatching.toEps(pred, out, z, t), FlowMatching.convert(pred, Prediction.EPS, out, z, t))
                    == 0);
            assertTrue(
                    maxAbsDiff(FlowMatching.toV(pred, out, z, t), FlowMatching.convert(pred, Prediction.V, out, z, t))
                            == 0);
        }
    }

    @Test
    void vLossOfXPredictionIsXLossWeightedByInverseSquaredOneMinusT() {
        NDArray out = x.add(manager.randomNormal(x.getShape()).mul(0.3f));
        float[] tv = t.toFloatArray();
        double weightedMean = 0;
        for (int b = 0; b < B; b++) {
            NDIndex i = new NDIndex("{}:{}", b, b + 1);
            float xLoss = FlowMatching.loss(
                            Prediction.X, LossSpace.X, out.get(i), x.get(i), e.get(i), z.get(i), t.get(i))
                    .getFloat();
            float vLoss = FlowMatching.loss(
                            Prediction.X, LossSpace.V, out.get(i), x.get(i), e.get(i), z.get(i), t.get(i))
                    .getFloat();
            double expected = xLoss / Math.pow(1 - tv[b], 2);
            assertTrue(xLoss > 0.01, "perturbation must be visible, sample " + b);
            assertEquals(expected, vLoss, 1e-4 * expected, "sample " + b + " at t=" + tv[b]);
            weightedMean += expected / B;
        }
        float vLoss =
                FlowMatching.loss(Prediction.X, LossSpace.V, out, x, e, z, t).getFloat();
        assertEquals(weightedMean, vLoss, 1e-4 * weightedMean);
    }

    @Test
    void lossIsDifferentiable() {
        NDArray out = x.add(0.5f);
        out.setRequiresGradient(true);
        try (ai.djl.training.GradientCollector collector =
                ai.djl.engine.Engine.getInstance().newGradientCollector()) {
            NDArray loss = FlowMatching.loss(Prediction.X, LossSpace.V, out, x, e, z, t);
            collector.backward(loss);
        }
        // d/dout mean((out - z)/(1-t) - v)^2 = 2 * 0.5 / (1-t)^2 / N per element
        float[] tv = t.toFloatArray();
        long n = x.size();
        float g = out.getGradient().get(new NDIndex(0, 0, 0, 0)).getFloat();
        assertEquals(1.0 / Math.pow(1 - tv[0], 2) / n, g, 1e-4 / n);
    }

    @Test
    void denominatorsAreClampedAtBothEnds() {
        NDArray ends = manager.create(new float[] {0f, 1f, 0f, 1f, 0f, 1f});
        NDArray zEnds = FlowMatching.interpolate(x, e, ends);
        for (Prediction pred : Prediction.values()) {
            for (Prediction space : Prediction.values()) {
                NDArray converted = FlowMatching.convert(pred, space, truth(pred), zEnds, ends);
                assertTrue(allFinite(converted), pred.label() + "-pred in " + space.label() + " space at t in {0, 1}");
            }
        }
        // at t = 1 the x-pred velocity divides by the clamp 0.05 instead of 0
        NDArray out = x.add(1f);
        NDArray v = FlowMatching.toV(Prediction.X, out, zEnds, ends);
        NDIndex atOne = new NDIndex(1);
        assertTrue(maxAbsDiff(v.get(atOne), out.get(atOne).sub(zEnds.get(atOne)).div(FlowMatching.T_EPS)) < 1e-4);
    }

    @Test
    void timeShapeMustMatchTheBatch() {
        NDArray wrong = manager.ones(new Shape(B + 1));
        IllegalArgumentException error =
                assertThrows(IllegalArgumentException.class, () -> FlowMatching.toV(Prediction.X, x, z, wrong));
        assertTrue(error.getMessage().contains("[B]"), error.getMessage());
    }

    @Test
    void aPerfectPredictorHasZeroLossAlsoWhereTheDenominatorsAreClamped() {
        // t = 0.01 and 0.99 put t or 1 - t below t_eps = 0.05: the target goes through the same clamp
        NDArray ends = manager.create(new float[] {0.01f, 0.99f, 0.01f, 0.99f, 0.5f, 0.999f});
        NDArray zEnds = FlowMatching.interpolate(x, e, ends);
        for (Prediction pred : Prediction.values()) {
            for (LossSpace space : LossSpace.values()) {
                float loss = FlowMatching.loss(pred, space, truth(pred), x, e, zEnds, ends)
                        .getFloat();
                assertEquals(0f, loss, 1e-10f, pred.label() + "-pred, " + space.label() + "-loss at t in {0.01, 0.99}");
            }
        }
        // the x-pred v-loss target is the reference's (x - z) / max(1 - t, t_eps), not x - e
        NDArray out = x.add(0.25f);
        float loss = FlowMatching.loss(Prediction.X, LossSpace.V, out, x, e, zEnds, ends)
                .getFloat();
        float[] tv = ends.toFloatArray();
        double expected = 0;
        for (float t : tv) {
            expected += 0.0625 / Math.pow(Math.max(1 - t, FlowMatching.T_EPS), 2) / tv.length;
        }
        assertEquals(expected, loss, 1e-4 * expected);
    }
}
