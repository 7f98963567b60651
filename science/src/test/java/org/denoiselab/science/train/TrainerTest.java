package org.denoiselab.science.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import org.denoiselab.science.data.DatasetKind;
import org.denoiselab.science.diffusion.LossSpace;
import org.denoiselab.science.diffusion.Prediction;
import org.denoiselab.science.model.Arch;
import org.denoiselab.science.spec.RunSpec;
import org.junit.jupiter.api.Test;

class TrainerTest {
    private static final int C = 1, H = 8, W = 8, N = 4;

    private static float[] images(long seed) {
        Random r = new Random(seed);
        float[] x = new float[N * C * H * W];
        for (int i = 0; i < x.length; i++) {
            x[i] = r.nextFloat() * 2 - 1;
        }
        return x;
    }

    @Test
    void tinyJitOverfitsASmallBatch() {
        // x-prediction with x-loss on four labelled images: the best answer (the image of the label) does
        // not depend on the noise, so the loss can go to ~0 if training works.
        RunSpec spec = TestRuns.jit("T", 4, Prediction.X, LossSpace.X, 1e-3, 0.0);
        float[] x = images(1);
        int[] y = {0, 1, 2, 3};
        try (Trainer trainer = new Trainer(spec, C, H, W, 4, Device.cpu())) {
            float first = trainer.trainStep(x, y, N);
            float last = first;
            for (int i = 0; i < 150; i++) {
                last = trainer.trainStep(x, y, N);
            }
            assertTrue(last < first / 10, "loss fell from " + first + " to " + last);
            assertEquals(151, trainer.step());
        }
    }

    @Test
    void checkpointRoundTripIsBitExactAndResumesTrainingExactly() throws IOException {
        RunSpec spec = TestRuns.jit("T", 4, Prediction.X, LossSpace.V, 1e-3, 0.1);
        float[] x = images(2);
        int[] y = {0, 1, 2, 3};
        byte[] saved;
        Map<String, Checkpoint.Tensor> continued;
        try (Trainer a = new Trainer(spec, C, H, W, 4, Device.cpu())) {
            for (int i = 0; i < 3; i++) {
                a.trainStep(x, y, N);
            }
            a.setEpoch(1);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            Checkpoint.of(a, Map.of("run_spec", spec.toString())).write(out);
            saved = out.toByteArray();
            a.trainStep(x, y, N);
            a.trainStep(x, y, N);
            continued = Checkpoint.of(a).section(Checkpoint.PARAMS);
        }
        Checkpoint loaded = Checkpoint.read(new ByteArrayInputStream(saved));
        assertEquals(3, loaded.step());
        assertEquals(1, loaded.epoch());
        assertEquals(spec.toString(), loaded.metadata("run_spec"), "the caller's metadata (the pipeline's run spec)");
        ByteArrayOutputStream again = new ByteArrayOutputStream();
        loaded.write(again);
        assertArrayEquals(saved, again.toByteArray(), "write(read(bytes)) == bytes");

        try (Trainer b = new Trainer(spec, C, H, W, 4, Device.cpu())) {
            loaded.restoreInto(b);
            assertEquals(3, b.step());
            b.trainStep(x, y, N);
            b.trainStep(x, y, N);
            Map<String, Checkpoint.Tensor> resumed = Checkpoint.of(b).section(Checkpoint.PARAMS);
            assertEquals(continued.keySet(), resumed.keySet());
            for (String k : continued.keySet()) {
                assertArrayEquals(continued.get(k).values(), resumed.get(k).values(), k);
            }
        }
    }

    @Test
    void truncatedCheckpointIsRefusedWithAClearError() throws IOException {
        RunSpec spec = TestRuns.jit("T", 4, Prediction.X, LossSpace.V, 1e-3, 0.0);
        try (Trainer a = new Trainer(spec, C, H, W, 4, Device.cpu())) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            Checkpoint.of(a).write(out);
            byte[] cut = Arrays.copyOf(out.toByteArray(), out.size() / 2);
            IOException e = assertThrows(IOException.class, () -> Checkpoint.read(new ByteArrayInputStream(cut)));
            assertTrue(e.getMessage().contains("truncated"), e.getMessage());
            IOException bad = assertThrows(
                    IOException.class, () -> Checkpoint.read(new ByteArrayInputStream("not a checkpoint".getBytes())));
            assertTrue(bad.getMessage().contains("not a safetensors file"), bad.getMessage());
        }
    }

    @Test
    void samplingIsDeterministicForAFixedSeedAndHasTheSampleShape() {
        RunSpec spec = TestRuns.jit("T", 4, Prediction.X, LossSpace.V, 1e-3, 0.0);
        try (Trainer a = new Trainer(spec, C, H, W, 4, Device.cpu())) {
            a.trainStep(images(3), new int[] {0, 1, 2, 3}, N);
            float[] s1 = Sampling.generate(a.model(), a.ema().weights(), spec, spec.sampling(), 5);
            float[] s2 = Sampling.generate(a.model(), a.ema().weights(), spec, spec.sampling(), 5);
            assertEquals(5 * C * H * W, s1.length);
            assertArrayEquals(s1, s2);
            for (float v : s1) {
                assertTrue(Float.isFinite(v));
            }
        }
    }

    @Test
    void adamWMatchesTheClosedFormFirstStep() {
        // After one step from zero moments, PyTorch's AdamW moves each weight by -lr * g / (|g| + eps').
        RunSpec spec = TestRuns.jit("T", 4, Prediction.X, LossSpace.X, 1e-2, 0.0);
        try (Trainer a = new Trainer(spec, C, H, W, 4, Device.cpu())) {
            float[] before = a.model().params().get("final_layer.linear.bias").toFloatArray();
            a.trainStep(images(4), new int[] {0, 1, 2, 3}, N);
            float[] after = a.model().params().get("final_layer.linear.bias").toFloatArray();
            for (int i = 0; i < before.length; i++) {
                float moved = Math.abs(after[i] - before[i]);
                assertEquals(1e-2, moved, 1e-5, "bias " + i + " moved by lr (sign step)");
            }
        }
    }

    @Test
    void samplingModelFromACheckpointReproducesTheTrainersEmaSamples() throws IOException {
        RunSpec base = TestRuns.jit("T", 4, Prediction.X, LossSpace.V, 1e-3, 0.0);
        // a toy-shaped dataset spec so that the shape comes from the spec alone: 1 x 1 x 16
        RunSpec spec = new RunSpec(
                base.runId(),
                base.experimentId(),
                new RunSpec.DatasetSpec(DatasetKind.TOY, null, 0, 16, 0),
                new RunSpec.ModelSpec(Arch.MLP, null, 0, 0, 32, 3),
                base.method(),
                base.prediction(),
                base.loss(),
                base.train(),
                base.sampling(),
                base.eval());
        float[] x = new float[4 * 16];
        java.util.Arrays.fill(x, 0.5f);
        try (Trainer a = new Trainer(spec, 1, 1, 16, 1, Device.cpu())) {
            a.trainStep(x, new int[4], 4);
            a.trainStep(x, new int[4], 4);
            float[] expected = Sampling.generate(a.model(), a.ema().weights(), spec, spec.sampling(), 3);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            Checkpoint.of(a).write(out);
            Checkpoint ck = Checkpoint.read(new ByteArrayInputStream(out.toByteArray()));
            try (SamplingModel m = SamplingModel.fromCheckpoint(ck, spec, Device.cpu())) {
                assertArrayEquals(expected, m.generate(spec.sampling(), 3));
            }
        }
    }

    @Test
    void gradientsAreZeroedAfterEachUpdate() {
        RunSpec spec = TestRuns.jit("T", 4, Prediction.X, LossSpace.V, 1e-3, 0.0);
        try (Trainer a = new Trainer(spec, C, H, W, 4, Device.cpu())) {
            a.trainStep(images(5), new int[] {0, 1, 2, 3}, N);
            for (var e : a.model().params().arrays().entrySet()) {
                try (ai.djl.ndarray.NDArray g = e.getValue().getGradient()) {
                    assertEquals(0f, g.abs().sum().getFloat(), e.getKey() + " gradient left over");
                }
            }
        }
    }

    @Test
    void aNonFiniteLossFailsTheRunAtThatStepWithoutTouchingTheWeights() {
        RunSpec spec = TestRuns.jit("T", 4, Prediction.X, LossSpace.V, 1e-3, 0.0);
        try (Trainer a = new Trainer(spec, C, H, W, 4, Device.cpu())) {
            float[] good = images(6);
            int[] y = {0, 1, 2, 3};
            a.trainStep(good, y, N);
            float[] before = a.model().params().get("final_layer.linear.weight").toFloatArray();
            float[] emaBefore =
                    a.ema().weights().get("final_layer.linear.weight").toFloatArray();
            float[] bad = good.clone();
            bad[0] = Float.NaN; // a corrupted input makes this step's loss NaN
            Trainer.DivergedException e = assertThrows(Trainer.DivergedException.class, () -> a.trainStep(bad, y, N));
            assertTrue(e.getMessage().startsWith("loss is NaN at step 1 (epoch 1)"), e.getMessage());
            assertEquals(1, a.step(), "the failed step is not counted");
            assertArrayEquals(
                    before, a.model().params().get("final_layer.linear.weight").toFloatArray(), "weights untouched");
            assertArrayEquals(
                    emaBefore,
                    a.ema().weights().get("final_layer.linear.weight").toFloatArray(),
                    "EMA untouched");
        }
    }

    @Test
    void emaIsThePlainMeanUntilItsWindowIsReachedThenTheConfiguredDecay() {
        RunSpec spec = TestRuns.jit("T", 4, Prediction.X, LossSpace.V, 1e-3, 0.0);
        try (Trainer a = new Trainer(spec, C, H, W, 4, Device.cpu())) {
            Ema ema = a.ema();
            assertEquals(0.0, ema.decayAt(0), "the first update replaces the initial weights");
            assertEquals(0.5, ema.decayAt(1));
            assertEquals(0.9, ema.decayAt(9), 1e-12);
            assertEquals(0.99, ema.decayAt(99), 1e-12, "TestRuns' decay 0.99 is reached at step 99");
            assertEquals(0.99, ema.decayAt(100_000), 1e-12);
            // three updates of the EMA are the mean of the three updated weights
            float[][] seen = new float[3][];
            for (int i = 0; i < 3; i++) {
                a.trainStep(images(20 + i), new int[] {0, 1, 2, 3}, N);
                seen[i] = a.model().params().get("t_embedder.mlp.0.weight").toFloatArray();
            }
            float[] mean = ema.weights().get("t_embedder.mlp.0.weight").toFloatArray();
            for (int j = 0; j < mean.length; j += 97) {
                double expected = (seen[0][j] + (double) seen[1][j] + seen[2][j]) / 3;
                assertEquals(expected, mean[j], 1e-6 + 1e-5 * Math.abs(expected), "element " + j);
            }
        }
        try (ai.djl.ndarray.NDManager m = ai.djl.ndarray.NDManager.newBaseManager(Device.cpu(), "PyTorch");
                Ema paper = new Ema(new org.denoiselab.science.model.ParamSet(m), m, 0.9999)) {
            assertEquals(0.9999, paper.decayAt(9999), 1e-12, "0.9999 from step 9999, not ~90,000");
            assertTrue(paper.decayAt(9998) < 0.9999);
        }
    }
}
