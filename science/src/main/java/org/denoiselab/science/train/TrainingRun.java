package org.denoiselab.science.train;

import ai.djl.Device;
import java.util.Arrays;
import org.denoiselab.science.data.Batch;
import org.denoiselab.science.data.BatchLoader;
import org.denoiselab.science.data.DeviceDataset;
import org.denoiselab.science.data.ImageDataset;
import org.denoiselab.science.spec.RunSpec;

/**
 * The epoch loop of one run, shared by the local command line and the trainer service: batches from a
 * seeded loader, one training step each, progress reports, and a checkpoint callback every
 * {@code checkpointEvery} epochs and after the last. A run restored from a checkpoint continues at the
 * epoch after the one it stored, with the same data order and noise as an uninterrupted run.
 */
public final class TrainingRun {
    /** seconds between two progress reports */
    private static final double REPORT_INTERVAL_S = 2.0;

    private TrainingRun() {}

    /**
     * Where the training images live during the run. Both places give the same batches in the same order
     * and the same losses bit for bit; only the copying differs.
     */
    public enum DataPlacement {
        /** read and decode each batch on the host, copy it to the device per step (any dataset size) */
        HOST,
        /** upload the whole dataset once ({@link DeviceDataset}) and gather batches there */
        DEVICE,
        /** DEVICE on a GPU when the dataset fits {@link DeviceDataset#MAX_BYTES}, otherwise HOST */
        AUTO;

        boolean onDevice(Device device, ImageDataset data) {
            return switch (this) {
                case HOST -> false;
                case DEVICE -> true;
                case AUTO -> device.isGpu() && DeviceDataset.fits(data);
            };
        }
    }

    /** What a run reports while it trains. */
    public interface Listener {
        default void onProgress(Progress progress) {}

        /** called after every optimizer step with its 0-based index and the batch loss before the update */
        default void onStep(long step, float loss) throws Exception {}

        /** called after each checkpoint epoch with the trainer holding that epoch's state */
        default void onCheckpoint(Trainer trainer, int epoch, float epochLoss) throws Exception {}

        /** polled between steps: true stops the run at the next step boundary */
        default boolean cancelled() {
            return false;
        }
    }

    /**
     * @param loss            mean loss of the steps since the last report
     * @param imagesPerSecond training throughput since the last report
     * @param etaSeconds      time left for this run at that throughput
     * @param lossScale       FP16's current dynamic loss scale, 1 in FP32
     * @param skippedSteps    FP16 steps skipped so far because their gradients overflowed, 0 in FP32
     */
    public record Progress(
            String runId,
            int epoch,
            int epochs,
            long step,
            long totalSteps,
            float loss,
            double imagesPerSecond,
            double etaSeconds,
            double lossScale,
            long skippedSteps) {}

    /** Outcome of a run that was not cancelled. */
    public record Result(long steps, int epochs, float finalLoss, boolean cancelled) {}

    /** {@link #run(RunSpec, ImageDataset, Device, Checkpoint, Listener, DataPlacement)} with AUTO placement */
    public static Result run(RunSpec spec, ImageDataset data, Device device, Checkpoint resumeFrom, Listener listener)
            throws Exception {
        return run(spec, data, device, resumeFrom, listener, DataPlacement.AUTO);
    }

    /**
     * Trains {@code spec} on {@code data} from scratch or from {@code resumeFrom}.
     *
     * @throws DivergedException                when the loss or a gradient stops being finite
     * @throws BatchLoader.DataLoadingException when a sample cannot be read
     * @throws Exception                        what the listener throws
     */
    public static Result run(
            RunSpec spec,
            ImageDataset data,
            Device device,
            Checkpoint resumeFrom,
            Listener listener,
            DataPlacement placement)
            throws Exception {
        RunSpec.TrainSpec train = spec.train();
        boolean dropLast = data.size() >= train.batchSize();
        int batchSize = Math.min(train.batchSize(), data.size());
        try (Trainer trainer =
                        new Trainer(spec, data.channels(), data.height(), data.width(), data.numClasses(), device);
                BatchLoader loader = new BatchLoader(data, batchSize, dropLast, train.seed());
                DeviceDataset onDevice =
                        placement.onDevice(device, data) ? new DeviceDataset(data, trainer.manager()) : null) {
            if (resumeFrom != null) {
                resumeFrom.restoreInto(trainer);
            }
            long totalSteps = (long) loader.batchesPerEpoch() * train.epochs();
            Window window = new Window(spec, trainer, totalSteps, listener);
            float epochLoss = Float.NaN;
            for (int epoch = trainer.epoch(); epoch < train.epochs(); epoch++) {
                double lossSum = 0;
                int steps = 0;
                if (onDevice != null) {
                    // the loader's own order, sliced here: the batches are the ones the host path reads
                    int[] order = BatchLoader.permutation(data.size(), train.seed(), epoch);
                    for (int b = 0; b < loader.batchesPerEpoch(); b++) {
                        if (listener.cancelled()) {
                            return new Result(trainer.step(), epoch, epochLoss, true);
                        }
                        int from = b * batchSize;
                        int[] indices = Arrays.copyOfRange(order, from, Math.min(from + batchSize, order.length));
                        float loss = trainer.trainStep(onDevice, indices);
                        lossSum += loss;
                        steps++;
                        window.record(epoch, loss, indices.length);
                    }
                } else {
                    for (Batch batch : loader.epoch(epoch)) {
                        if (listener.cancelled()) {
                            return new Result(trainer.step(), epoch, epochLoss, true);
                        }
                        float loss = trainer.trainStep(batch.images(), batch.labels(), batch.count());
                        lossSum += loss;
                        steps++;
                        window.record(epoch, loss, batch.count());
                    }
                }
                epochLoss = (float) (lossSum / Math.max(1, steps));
                trainer.setEpoch(epoch + 1);
                boolean last = epoch + 1 == train.epochs();
                if (last || (epoch + 1) % Math.max(1, train.checkpointEvery()) == 0) {
                    listener.onCheckpoint(trainer, epoch + 1, epochLoss);
                }
            }
            return new Result(trainer.step(), trainer.epoch(), epochLoss, false);
        }
    }

    /** per-step callback and the throughput window behind the progress reports */
    private static final class Window {
        private final RunSpec spec;
        private final Trainer trainer;
        private final long totalSteps;
        private final Listener listener;
        private long start = System.nanoTime();
        private long images;
        private double loss;
        private int steps;

        Window(RunSpec spec, Trainer trainer, long totalSteps, Listener listener) {
            this.spec = spec;
            this.trainer = trainer;
            this.totalSteps = totalSteps;
            this.listener = listener;
        }

        void record(int epoch, float stepLoss, int count) throws Exception {
            listener.onStep(trainer.step() - 1, stepLoss);
            images += count;
            loss += stepLoss;
            steps++;
            double elapsed = (System.nanoTime() - start) / 1e9;
            if (elapsed < REPORT_INTERVAL_S) {
                return;
            }
            double rate = images / elapsed;
            long left = totalSteps - trainer.step();
            LossScaler scaler = trainer.lossScaler();
            listener.onProgress(new Progress(
                    spec.runId(),
                    epoch + 1,
                    spec.train().epochs(),
                    trainer.step(),
                    totalSteps,
                    (float) (loss / steps),
                    rate,
                    left * (double) count / rate,
                    scaler == null ? 1.0 : scaler.scale(),
                    scaler == null ? 0 : scaler.skippedSteps()));
            start = System.nanoTime();
            images = 0;
            loss = 0;
            steps = 0;
        }
    }
}
