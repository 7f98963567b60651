package org.denoiselab.science.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import org.denoiselab.science.diffusion.LossSpace;
import org.denoiselab.science.diffusion.Prediction;
import org.denoiselab.science.spec.RunSpec;
import org.denoiselab.science.util.Engines;
import org.junit.jupiter.api.Test;

/**
 * The same run trained twice gives the same loss, bit for bit, at every step and the same checkpoint
 * bytes: once alone, once while other threads keep both cores busy with their own PyTorch work and a
 * third thread collects garbage and churns Java-backed scalars (the main job's layout, squeezed into one
 * JVM). Sizes are the fmnist preset's patch-4 JiT-T on 28 x 28 images, large enough for PyTorch to split
 * its kernels over threads.
 */
class ReproducibilityTest {
    private static final int C = 1, H = 28, W = 28, B = 32, STEPS = 6;

    @Test
    void aRunGivesIdenticalLossesAndCheckpointsAloneAndUnderLoad() throws Exception {
        for (Prediction pred : new Prediction[] {Prediction.EPS, Prediction.V}) {
            RunSpec spec = TestRuns.jit("T", 4, pred, LossSpace.V, 2e-4, 0.1);
            Trace quiet = train(spec);
            Trace loaded;
            try (Load ignored = new Load()) {
                loaded = train(spec);
            }
            assertArrayEquals(quiet.losses(), loaded.losses(), pred + "-pred losses per step");
            assertEquals(quiet.checkpointSha256(), loaded.checkpointSha256(), pred + "-pred checkpoint bytes");
            for (float l : quiet.losses()) {
                assertTrue(Float.isFinite(l) && l > 0, "loss " + l);
            }
        }
    }

    record Trace(float[] losses, String checkpointSha256) {}

    private static Trace train(RunSpec spec) throws IOException, NoSuchAlgorithmException {
        Random r = new Random(4);
        float[] x = new float[B * C * H * W];
        for (int i = 0; i < x.length; i++) {
            x[i] = r.nextFloat() * 2 - 1;
        }
        int[] y = new int[B];
        for (int i = 0; i < B; i++) {
            y[i] = i % 10;
        }
        float[] losses = new float[STEPS];
        try (Trainer trainer = new Trainer(spec, C, H, W, 10, Device.cpu())) {
            for (int s = 0; s < STEPS; s++) {
                losses[s] = trainer.trainStep(x, y, B);
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            Checkpoint.of(trainer).write(out);
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(out.toByteArray());
            return new Trace(losses, HexFormat.of().formatHex(digest));
        }
    }

    /** two threads of PyTorch matrix products and one of garbage collection and scalar churn */
    private static final class Load implements AutoCloseable {
        private final AtomicBoolean stop = new AtomicBoolean();
        private final List<Thread> threads = new ArrayList<>();

        Load() {
            Engines.pytorch();
            for (int i = 0; i < 2; i++) {
                threads.add(daemon(() -> {
                    try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
                        NDArray a = m.randomNormal(new Shape(256, 256));
                        while (!stop.get()) {
                            a.matMul(a).close();
                        }
                    }
                }));
            }
            threads.add(daemon(() -> {
                try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
                    while (!stop.get()) {
                        for (int i = 0; i < 1000; i++) {
                            m.create(3f).close(); // Java-backed on purpose
                        }
                        System.gc();
                    }
                }
            }));
        }

        private static Thread daemon(Runnable body) {
            Thread t = new Thread(body, "load");
            t.setDaemon(true);
            t.start();
            return t;
        }

        @Override
        public void close() throws InterruptedException {
            stop.set(true);
            for (Thread t : threads) {
                t.join();
            }
        }
    }
}
