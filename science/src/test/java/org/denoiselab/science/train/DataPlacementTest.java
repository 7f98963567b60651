package org.denoiselab.science.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import org.denoiselab.science.data.DeviceDataset;
import org.denoiselab.science.data.ImageDataset;
import org.denoiselab.science.model.Precision;
import org.denoiselab.science.spec.RunSpec;
import org.denoiselab.science.util.Engines;
import org.junit.jupiter.api.Test;

/** The dataset on the device (gathered batches) trains exactly as the dataset on the host (copied batches). */
class DataPlacementTest {

    private record Outcome(List<Float> losses, byte[] checkpoint) {}

    private static Outcome train(RunSpec spec, ImageDataset data, TrainingRun.DataPlacement placement)
            throws Exception {
        List<Float> losses = new ArrayList<>();
        ByteArrayOutputStream last = new ByteArrayOutputStream();
        TrainingRun.run(
                spec,
                data,
                Device.cpu(),
                null,
                new TrainingRun.Listener() {
                    @Override
                    public void onStep(long step, float loss) {
                        losses.add(loss);
                    }

                    @Override
                    public void onCheckpoint(Trainer trainer, int epoch, float epochLoss) throws Exception {
                        last.reset();
                        Checkpoint.of(trainer).write(last);
                    }
                },
                placement);
        return new Outcome(losses, last.toByteArray());
    }

    @Test
    void deviceBatchesGiveTheHostLossesAndWeightsBitForBit() throws Exception {
        // 22 samples in batches of 8 (the partial batch dropped), flips and label dropping on: every random
        // draw of the device path must match the host path's
        RunSpec spec = TestRuns.flippedJit(2, 8, Precision.FP32);
        ImageDataset data = RandomImages.of(22, 8, 4, 5);
        Outcome host = train(spec, data, TrainingRun.DataPlacement.HOST);
        Outcome device = train(spec, data, TrainingRun.DataPlacement.DEVICE);
        assertEquals(4, host.losses().size(), "2 epochs x 2 full batches");
        assertEquals(host.losses(), device.losses());
        assertArrayEquals(host.checkpoint(), device.checkpoint());
    }

    @Test
    void aDatasetSmallerThanOneBatchTrainsAsOnePartialBatchOnBothPaths() throws Exception {
        RunSpec spec = TestRuns.flippedJit(3, 8, Precision.FP32);
        ImageDataset data = RandomImages.of(6, 8, 4, 6);
        Outcome host = train(spec, data, TrainingRun.DataPlacement.HOST);
        Outcome device = train(spec, data, TrainingRun.DataPlacement.DEVICE);
        assertEquals(3, host.losses().size());
        assertEquals(host.losses(), device.losses());
        assertArrayEquals(host.checkpoint(), device.checkpoint());
    }

    @Test
    void autoKeepsTheDataOnTheHostOfACpu() {
        ImageDataset data = RandomImages.of(6, 8, 4, 6);
        assertEquals(false, TrainingRun.DataPlacement.AUTO.onDevice(Device.cpu(), data));
        assertEquals(true, TrainingRun.DataPlacement.DEVICE.onDevice(Device.cpu(), data));
    }

    @Test
    void gatherRefusesAnIndexOutsideTheDataset() {
        Engines.pytorch();
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch");
                DeviceDataset d = new DeviceDataset(RandomImages.of(6, 8, 4, 6), m)) {
            IllegalArgumentException e =
                    assertThrows(IllegalArgumentException.class, () -> d.gather(new int[] {0, 6}, m));
            assertEquals("sample 6 is outside 0..5", e.getMessage());
            DeviceDataset.Batch b = d.gather(new int[] {5, 1}, m);
            float[] expected = new float[2 * 64];
            RandomImages.of(6, 8, 4, 6).read(5, expected, 0);
            RandomImages.of(6, 8, 4, 6).read(1, expected, 64);
            assertArrayEquals(expected, b.images().toFloatArray());
            assertArrayEquals(new long[] {1, 1}, b.labels().toLongArray());
        }
    }
}
