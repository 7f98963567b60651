package org.denoiselab.pipeline.jobs;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.denoiselab.experiment.json.Json;
import org.denoiselab.pipeline.events.CheckpointEvent;
import org.denoiselab.pipeline.events.RunStatus;
import org.denoiselab.pipeline.store.ObjectLayout;
import org.denoiselab.pipeline.store.ObjectStore;
import org.denoiselab.pipeline.store.ObjectStoreException;
import org.denoiselab.science.data.Datasets;
import org.denoiselab.science.data.ImageDataset;
import org.denoiselab.science.model.Precision;
import org.denoiselab.science.spec.RunSpec;
import org.denoiselab.science.train.Checkpoint;
import org.denoiselab.science.train.Trainer;
import org.denoiselab.science.train.TrainingRun;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains one run for the trainer service: resumes from the run's latest stored checkpoint, stores each
 * checkpoint (bytes, then its event as JSON) before handing the event to the sink, and reports the run's
 * status. A cancelled run (rebalance, shutdown) stops at a step boundary and reports nothing final, so
 * another replica can resume it from the last checkpoint.
 */
public final class TrainJob {
    private static final Logger LOG = LoggerFactory.getLogger(TrainJob.class);

    /** Where the job's messages go; the service publishes them. */
    public interface Sink {
        void status(RunStatus status);

        /** called only after the checkpoint's bytes are in the store */
        void checkpoint(CheckpointEvent event);
    }

    public enum Outcome {
        COMPLETED,
        FAILED,
        CANCELLED
    }

    /**
     * @param resumedFromEpoch epoch of the checkpoint the run started from (0 = from scratch)
     * @param reason           why it FAILED, else null
     */
    public record Result(Outcome outcome, int epoch, long step, int resumedFromEpoch, String reason) {}

    /** A stored checkpoint found for a run: its parsed state and the event that announced it. */
    record Resume(Checkpoint checkpoint, CheckpointEvent event) {}

    private final ObjectStore store;
    private final JobSettings settings;

    public TrainJob(ObjectStore store, JobSettings settings) {
        this.store = store;
        this.settings = settings;
    }

    public Result run(RunSpec spec, Sink sink, BooleanSupplier cancelled) {
        Reported at = new Reported();
        try {
            ImageDataset data = openDataset(spec, settings.dataRoots());
            long totalSteps = totalSteps(spec, data);
            at.totalSteps = totalSteps;
            sink.status(RunStatus.queued(spec, totalSteps));
            Optional<Resume> resume = latestCheckpoint(spec);
            Checkpoint from = null;
            if (resume.isPresent()) {
                from = resume.get().checkpoint();
                at.epoch = from.epoch();
                at.step = from.step();
                at.loss = resume.get().event().loss() == null
                        ? Double.NaN
                        : resume.get().event().loss();
                // the previous owner may have died between storing and publishing: consumers are idempotent
                sink.checkpoint(resume.get().event());
                LOG.info("run {}: resuming after epoch {} (step {})", spec.runId(), at.epoch, at.step);
            }
            int resumed = at.epoch;
            sink.status(RunStatus.running(spec, at.epoch, at.step, totalSteps, at.loss, Double.NaN, Double.NaN));
            TrainingRun.Result result =
                    TrainingRun.run(spec, data, settings.device(), from, new TrainingRun.Listener() {
                        @Override
                        public void onProgress(TrainingRun.Progress p) {
                            at.step = p.step();
                            at.loss = p.loss();
                            at.imagesPerSecond = p.imagesPerSecond();
                            at.etaSeconds = p.etaSeconds();
                            // RunStatus counts completed epochs; Progress names the one under way
                            RunStatus running = RunStatus.running(
                                    spec,
                                    p.epoch() - 1,
                                    p.step(),
                                    p.totalSteps(),
                                    p.loss(),
                                    p.imagesPerSecond(),
                                    p.etaSeconds());
                            sink.status(
                                    spec.train().precision() == Precision.FP16
                                            ? running.withLossScale(p.lossScale(), p.skippedSteps())
                                            : running);
                        }

                        @Override
                        public void onCheckpoint(Trainer trainer, int epoch, float epochLoss) throws IOException {
                            CheckpointEvent event = storeCheckpoint(spec, trainer, epoch, epochLoss);
                            sink.checkpoint(event);
                            at.epoch = epoch;
                            at.step = trainer.step();
                            at.loss = epochLoss;
                            sink.status(RunStatus.running(
                                    spec,
                                    epoch,
                                    trainer.step(),
                                    totalSteps,
                                    epochLoss,
                                    at.imagesPerSecond,
                                    at.etaSeconds));
                        }

                        @Override
                        public boolean cancelled() {
                            return cancelled.getAsBoolean();
                        }
                    });
            if (result.cancelled()) {
                LOG.info("run {}: cancelled at step {}, left for another trainer", spec.runId(), result.steps());
                return new Result(Outcome.CANCELLED, at.epoch, result.steps(), resumed, null);
            }
            double finalLoss = Float.isFinite(result.finalLoss()) ? result.finalLoss() : at.loss;
            sink.status(RunStatus.completed(spec, result.epochs(), result.steps(), finalLoss));
            return new Result(Outcome.COMPLETED, result.epochs(), result.steps(), resumed, null);
        } catch (Exception e) {
            if (cancelled.getAsBoolean()) {
                // shutting down: whatever broke, the run is not ours to judge any more
                LOG.info("run {}: stopped while cancelled ({})", spec.runId(), e.toString());
                return new Result(Outcome.CANCELLED, at.epoch, at.step, at.epoch, null);
            }
            String reason = reason(e);
            if (e instanceof Trainer.DivergedException || e instanceof DatasetException) {
                LOG.warn("run {}: failed: {}", spec.runId(), reason);
            } else {
                LOG.warn("run {}: failed: {}", spec.runId(), reason, e);
            }
            sink.status(RunStatus.failed(spec, at.epoch, at.step, at.totalSteps, reason));
            return new Result(Outcome.FAILED, at.epoch, at.step, at.epoch, reason);
        }
    }

    /** what the trainer knows of the run so far, for the status it reports */
    private static final class Reported {
        int epoch;
        long step;
        long totalSteps;
        double loss = Double.NaN;
        double imagesPerSecond = Double.NaN;
        double etaSeconds = Double.NaN;
    }

    /** @param roots where dataset.location may point (null = anywhere); the kind's default location is always allowed */
    private static ImageDataset openDataset(RunSpec spec, DataRoots roots) throws DatasetException {
        String location = spec.dataset().location();
        if (roots != null && location != null && !location.isBlank()) {
            Optional<String> refused = roots.refuseLocal(location, false);
            if (refused.isPresent()) {
                throw new DatasetException("dataset.location: " + refused.get(), null);
            }
        }
        try {
            return Datasets.open(spec.dataset(), true);
        } catch (IOException | IllegalArgumentException e) {
            throw new DatasetException("dataset: " + e.getMessage(), e);
        }
    }

    /** steps of the whole run, as TrainingRun's loader counts them */
    static long totalSteps(RunSpec spec, ImageDataset data) {
        int batch = Math.min(spec.train().batchSize(), data.size());
        boolean dropLast = data.size() >= spec.train().batchSize();
        long perEpoch = dropLast ? data.size() / batch : (data.size() + batch - 1) / batch;
        return perEpoch * spec.train().epochs();
    }

    /**
     * Writes the checkpoint to a temporary file (checkpoints of large models exceed an array), stores it,
     * then stores the event that announces it.
     */
    private CheckpointEvent storeCheckpoint(RunSpec spec, Trainer trainer, int epoch, float epochLoss)
            throws IOException {
        long t0 = System.nanoTime();
        ObjectStore.Stored stored = JobSupport.withTempFile(ObjectLayout.CHECKPOINT_SUFFIX, tmp -> {
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp))) {
                Checkpoint.of(trainer, Checkpoints.metadataOf(spec)).write(out);
            }
            return store.put(ObjectLayout.checkpoint(spec.runId(), epoch), tmp);
        });
        CheckpointEvent event = CheckpointEvent.of(spec, epoch, trainer.step(), stored, (double) epochLoss);
        store.put(ObjectLayout.checkpointEvent(spec.runId(), epoch), Json.encode(event));
        LOG.info(String.format(
                Locale.ROOT,
                "run %s: checkpoint of epoch %d stored (%.1f MB, %.1f s)",
                spec.runId(),
                epoch,
                stored.sizeBytes() / 1e6,
                (System.nanoTime() - t0) / 1e9));
        return event;
    }

    /**
     * The newest stored checkpoint of the run that reads back intact, with its event (rebuilt without a
     * loss if the previous trainer died before storing it). An unreadable one is skipped with a warning,
     * so a run never gets stuck on a damaged object.
     */
    Optional<Resume> latestCheckpoint(RunSpec spec) {
        List<String> keys = store.list(ObjectLayout.checkpointsPrefix(spec.runId())).stream()
                .filter(k -> k.endsWith(ObjectLayout.CHECKPOINT_SUFFIX))
                .sorted((a, b) -> Integer.compare(ObjectLayout.epochOf(b), ObjectLayout.epochOf(a)))
                .toList();
        for (String key : keys) {
            int epoch = ObjectLayout.epochOf(key);
            try {
                Optional<ObjectStore.Stored> stored = store.stored(key);
                if (stored.isEmpty()) {
                    LOG.warn("run {}: checkpoint {} has no stored sha256, skipped", spec.runId(), key);
                    continue;
                }
                Checkpoint checkpoint =
                        JobSupport.readCheckpoint(store, key, stored.get().sha256());
                if (checkpoint.epoch() != epoch) {
                    LOG.warn("run {}: checkpoint {} holds epoch {}, skipped", spec.runId(), key, checkpoint.epoch());
                    continue;
                }
                return Optional.of(new Resume(checkpoint, storedEvent(spec, epoch, checkpoint, stored.get())));
            } catch (IOException | ObjectStoreException e) {
                LOG.warn(
                        "run {}: checkpoint {} unreadable, trying an older one: {}", spec.runId(), key, e.getMessage());
            }
        }
        return Optional.empty();
    }

    private CheckpointEvent storedEvent(RunSpec spec, int epoch, Checkpoint checkpoint, ObjectStore.Stored stored) {
        String eventKey = ObjectLayout.checkpointEvent(spec.runId(), epoch);
        Optional<ObjectStore.Stored> eventObject = store.stored(eventKey);
        if (eventObject.isPresent()) {
            try {
                CheckpointEvent event = CheckpointEvent.decode(
                        store.get(eventKey, eventObject.get().sha256()));
                if (stored.sha256().equals(event.sha256())) {
                    return event;
                }
                LOG.warn("run {}: {} describes other bytes than the checkpoint, rebuilt", spec.runId(), eventKey);
            } catch (RuntimeException e) {
                LOG.warn("run {}: {} unreadable, rebuilt: {}", spec.runId(), eventKey, e.getMessage());
            }
        }
        return CheckpointEvent.of(spec, epoch, checkpoint.step(), stored, null);
    }

    static String reason(Throwable e) {
        if (e instanceof Trainer.DivergedException || e instanceof DatasetException) {
            return e.getMessage();
        }
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }

    /** the run's dataset cannot be opened; the message starts with "dataset:" */
    static final class DatasetException extends Exception {
        DatasetException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
