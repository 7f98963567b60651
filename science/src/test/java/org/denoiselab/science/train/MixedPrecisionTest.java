package org.denoiselab.science.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.Map;
import java.util.Random;
import org.denoiselab.science.model.Denoiser;
import org.denoiselab.science.model.Precision;
import org.denoiselab.science.tensor.NoGrad;
import org.denoiselab.science.tensor.Tensors;
import org.junit.jupiter.api.Test;

/**
 * FP16 mixed precision on the CPU (PyTorch runs half matrix products there too, slowly): the forward stays
 * close to FP32, the master weights stay FP32, and the loss scaler skips overflowing steps, recovers, fails a
 * run that keeps overflowing, and survives a checkpoint.
 */
class MixedPrecisionTest {
    private static final int N = 8, SIDE = 8;

    private static float[] images(long seed) {
        Random r = new Random(seed);
        float[] x = new float[N * SIDE * SIDE];
        for (int i = 0; i < x.length; i++) {
            x[i] = r.nextFloat() * 2 - 1;
        }
        return x;
    }

    private static final int[] LABELS = {0, 1, 2, 3, 0, 1, 2, 3};

    private static Trainer trainer(Precision precision) {
        return new Trainer(TestRuns.flippedJit(1, N, precision), 1, SIDE, SIDE, 4, Device.cpu());
    }

    private static float[] weights(Trainer t) {
        return t.model().params().arrays().get("final_layer.linear.weight").toFloatArray();
    }

    @Test
    void fp16ForwardStaysWithinHalfPrecisionOfFp32OnTheSameWeights() {
        try (Trainer t = trainer(Precision.FP32)) {
            for (int i = 0; i < 20; i++) { // the zero-initialised output layer needs some training to say anything
                t.trainStep(images(i), LABELS, N);
            }
            Denoiser model = t.model();
            try (NoGrad ignored = NoGrad.enter();
                    NDManager s = model.manager().newSubManager()) {
                NDArray z = Tensors.of(s, images(99), new Shape(N, 1, SIDE, SIDE));
                NDArray time = Tensors.of(s, new float[] {.05f, .2f, .3f, .4f, .5f, .6f, .8f, .95f});
                NDArray y = Tensors.of(s, new long[] {0, 1, 2, 3, 4, 0, 1, 2});
                float[] full = model.forward(model.params(), z, time, y).toFloatArray();
                model.setPrecision(Precision.FP16);
                NDArray halfOut = model.forward(model.params(), z, time, y);
                assertEquals(DataType.FLOAT32, halfOut.getDataType(), "the output is returned in FP32");
                float[] half = halfOut.toFloatArray();
                double err = 0, norm = 0;
                for (int i = 0; i < full.length; i++) {
                    err += (full[i] - half[i]) * (double) (full[i] - half[i]);
                    norm += full[i] * (double) full[i];
                }
                double relative = Math.sqrt(err / norm);
                assertTrue(norm > 0, "the trained network says something");
                // FP16 keeps 11 significant bits (2^-11 = 4.9e-4); a few layers of rounding stay well under 1e-2
                assertTrue(relative < 1e-2, "relative L2 error " + relative);
                assertTrue(relative > 1e-5, "FP16 actually ran (error " + relative + ")");
            }
        }
    }

    @Test
    void fp16TrainsFp32MasterWeightsAndItsFirstLossMatchesFp32() {
        float fp32Loss;
        try (Trainer t = trainer(Precision.FP32)) {
            fp32Loss = t.trainStep(images(1), LABELS, N);
        }
        try (Trainer t = trainer(Precision.FP16)) {
            float[] before = weights(t);
            float first = t.trainStep(images(1), LABELS, N);
            assertEquals(fp32Loss, first, 1e-2 * fp32Loss, "same batch, noise and times: FP16 rounding only");
            for (int i = 2; i < 6; i++) {
                assertTrue(Float.isFinite(t.trainStep(images(i), LABELS, N)));
            }
            t.model().params().arrays().forEach((name, p) -> assertEquals(DataType.FLOAT32, p.getDataType(), name));
            assertNotEquals(before[0], weights(t)[0], "the output layer moved");
            assertEquals(0, t.lossScaler().skippedSteps(), "a small model does not overflow at 2^16");
            assertEquals(LossScaler.INITIAL_SCALE, t.lossScaler().scale());
        }
        try (Trainer t = trainer(Precision.FP32)) {
            assertNull(t.lossScaler());
        }
    }

    @Test
    void anOverflowingScaleSkipsStepsHalvesAndRecovers() {
        try (Trainer t = trainer(Precision.FP16)) {
            double start = Math.pow(2, 26); // the scaled gradients overflow FP16's 65504
            t.lossScaler().restore(start, 0, 0);
            float[] before = weights(t);
            t.trainStep(images(1), LABELS, N);
            assertEquals(1, t.lossScaler().skippedSteps());
            assertEquals(start / 2, t.lossScaler().scale());
            assertArrayEquals(before, weights(t), "a skipped step leaves the weights alone");
            assertEquals(1, t.step(), "a skipped step still advances the step (its noise is not reused)");
            int steps = 1;
            while (t.lossScaler().skippedSteps() == steps && steps < Trainer.MAX_SKIPPED_IN_A_ROW - 1) {
                t.trainStep(images(1 + steps), LABELS, N);
                steps++;
            }
            long skipped = t.lossScaler().skippedSteps();
            assertTrue(skipped < steps, "a step went through after " + skipped + " skipped");
            assertEquals(start / Math.pow(2, skipped), t.lossScaler().scale());
            assertNotEquals(before[0], weights(t)[0]);
        }
    }

    @Test
    void aRunThatKeepsOverflowingFailsNamingTheFp16Skips() {
        try (Trainer t = trainer(Precision.FP16)) {
            t.lossScaler().restore(1e300, 0, 0); // infinite in FP32 already: every step overflows
            t.maxSkippedInARow = 5; // FP16 is slow on a CPU; the limit is the same code at any value
            Trainer.DivergedException e = assertThrows(Trainer.DivergedException.class, () -> {
                for (int i = 0; i < 6; i++) {
                    t.trainStep(images(i), LABELS, N);
                }
            });
            assertTrue(e.getMessage().contains("at step 4 (epoch 1), 5 FP16 steps in a row skipped"), e.getMessage());
            assertEquals(4, t.step(), "the step that ends the run is not counted");
        }
    }

    @Test
    void theLossScaleSurvivesACheckpointAndTheResumedRunContinuesExactly() throws Exception {
        byte[] saved;
        float[] continued = new float[3];
        try (Trainer a = trainer(Precision.FP16)) {
            a.lossScaler().restore(Math.pow(2, 40), 0, 0);
            for (int i = 0; i < 4; i++) {
                a.trainStep(images(i), LABELS, N);
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            Checkpoint.of(a).write(out);
            saved = out.toByteArray();
            for (int i = 0; i < continued.length; i++) {
                continued[i] = a.trainStep(images(10 + i), LABELS, N);
            }
        }
        Checkpoint loaded = Checkpoint.read(new ByteArrayInputStream(saved));
        assertTrue(loaded.scaler().skippedSteps() > 0, "the state stored is after some skips");
        assertTrue(loaded.scaler().lossScale() < Math.pow(2, 40));
        assertEquals(Map.of(), loaded.metadata(), "the scaler's entries are the checkpoint's own, not the caller's");
        try (Trainer b = trainer(Precision.FP16)) {
            loaded.restoreInto(b);
            assertEquals(loaded.scaler().lossScale(), b.lossScaler().scale());
            assertEquals(loaded.scaler().skippedSteps(), b.lossScaler().skippedSteps());
            assertEquals(loaded.scaler().goodSteps(), b.lossScaler().goodSteps());
            for (int i = 0; i < continued.length; i++) {
                assertEquals(continued[i], b.trainStep(images(10 + i), LABELS, N), "step " + i);
            }
        }
        try (Trainer fp32 = trainer(Precision.FP32)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            Checkpoint.of(fp32).write(out);
            assertNull(
                    Checkpoint.read(new ByteArrayInputStream(out.toByteArray())).scaler());
        }
    }

    @Test
    void theScalerGrowsAfterItsIntervalAndHalvesOnOverflow() {
        LossScaler s = new LossScaler(8, 3);
        assertTrue(s.update(true));
        assertTrue(s.update(true));
        assertEquals(8, s.scale());
        assertTrue(s.update(true));
        assertEquals(16, s.scale(), "three good steps in a row double it");
        assertEquals(0, s.goodSteps());
        assertTrue(s.update(true));
        assertEquals(false, s.update(false));
        assertEquals(8, s.scale());
        assertEquals(0, s.goodSteps(), "an overflow restarts the count");
        assertEquals(1, s.skippedSteps());
        for (double bad : new double[] {0, -1, Double.NaN, Double.POSITIVE_INFINITY}) {
            assertThrows(IllegalArgumentException.class, () -> new LossScaler(bad, 10), "scale " + bad);
        }
        assertThrows(IllegalArgumentException.class, () -> new LossScaler(8, 0));
    }
}
