package org.denoiselab.science.train;

import ai.djl.Device;
import org.denoiselab.science.data.Batch;
import org.denoiselab.science.data.BatchLoader;
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
     */
    public record Progress(
            String runId,
            int epoch,
            int epochs,
            long step,
            long totalSteps,
            float loss,
            double imagesPerSecond,
            double etaSeconds) {}

    /** Outcome of a run that was not cancelled. */
    public record Result(long steps, int epochs, float finalLoss, boolean cancelled) {}

    public static Result run(RunSpec spec, ImageDataset data, Device device, Checkpoint resumeFrom, Listener listener)
            throws Exception {
        RunSpec.TrainSpec train = spec.train();
        boolean dropLast = data.size() >= train.batchSize();
        try (Trainer trainer =
                        new Trainer(spec, data.channels(), data.height(), data.width(), data.numClasses(), device);
                BatchLoader loader =
                        new BatchLoader(data, Math.min(train.batchSize(), data.size()), dropLast, train.seed())) {
            if (resumeFrom != null) {
                resumeFrom.restoreInto(trainer);
            }
            long totalSteps = (long) loader.batchesPerEpoch() * train.epochs();
            float epochLoss = Float.NaN;
            long windowStart = System.nanoTime();
            long windowImages = 0;
            double windowLoss = 0;
            int windowSteps = 0;
            for (int epoch = trainer.epoch(); epoch < train.epochs(); epoch++) {
                double lossSum = 0;
                int steps = 0;
                for (Batch batch : loader.epoch(epoch)) {
                    if (listener.cancelled()) {
                        return new Result(trainer.step(), epoch, epochLoss, true);
                    }
                    float loss = trainer.trainStep(batch.images(), batch.labels(), batch.count());
                    listener.onStep(trainer.step() - 1, loss);
                    windowImages += batch.count();
                    lossSum += loss;
                    steps++;
                    windowLoss += loss;
                    windowSteps++;
                    double elapsed = (System.nanoTime() - windowStart) / 1e9;
                    if (elapsed >= REPORT_INTERVAL_S) {
                        double rate = windowImages / elapsed;
                        long left = totalSteps - trainer.step();
                        listener.onProgress(new Progress(
                                spec.runId(),
                                epoch + 1,
                                train.epochs(),
                                trainer.step(),
                                totalSteps,
                                windowSteps == 0 ? Float.NaN : (float) (windowLoss / windowSteps),
                                rate,
                                left * (double) batch.count() / rate));
                        windowStart = System.nanoTime();
                        windowImages = 0;
                        windowLoss = 0;
                        windowSteps = 0;
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
}
