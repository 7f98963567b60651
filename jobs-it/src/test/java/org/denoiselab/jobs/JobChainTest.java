package org.denoiselab.jobs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.Device;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.denoiselab.experiment.Experiments;
import org.denoiselab.infra.LocalRuntime;
import org.denoiselab.pipeline.events.CheckpointEvent;
import org.denoiselab.pipeline.events.EvaluationEvent;
import org.denoiselab.pipeline.events.RunStatus;
import org.denoiselab.pipeline.events.SamplesEvent;
import org.denoiselab.pipeline.jobs.DataRoots;
import org.denoiselab.pipeline.jobs.EvalJob;
import org.denoiselab.pipeline.jobs.JobSettings;
import org.denoiselab.pipeline.jobs.SampleJob;
import org.denoiselab.pipeline.jobs.TrainJob;
import org.denoiselab.pipeline.store.ObjectLayout;
import org.denoiselab.pipeline.store.ObjectStore;
import org.denoiselab.pipeline.store.ObjectStoreException;
import org.denoiselab.science.eval.FeatureStats.Gaussian;
import org.denoiselab.science.eval.Npy;
import org.denoiselab.science.spec.RunSpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job chain on Fashion-MNIST against a real S3 server (infra's LocalRuntime, over sockets), with a
 * tiny configuration: 256 images, batch 64, 2 epochs of JiT-T patch 7, 64 samples of Heun 3 steps, a
 * classifier trained on 1024 images for 1 epoch, reference statistics of 512 test images. The tests
 * run in order and share the objects they make: train (cancelled, resumed, resumed again), sample
 * twice, score twice.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class JobChainTest {
    private static final Path FMNIST = Path.of("/usr/share/datasets/fashion-mnist");

    @TempDir
    static Path temp;

    private LocalRuntime runtime;
    private ObjectStore store;
    private JobSettings settings;
    private RunSpec spec;
    private CheckpointEvent lastCheckpoint;
    private SamplesEvent samples;

    @BeforeAll
    void start() {
        assumeTrue(Files.isDirectory(FMNIST), "dataset-fashion-mnist is not installed at " + FMNIST);
        runtime = LocalRuntime.start(LocalRuntime.Config.in(temp.resolve("runtime")));
        store = new ObjectStore(runtime.s3Endpoint(), runtime.accessKey(), runtime.secretKey(), "denoise-lab");
        store.ensureBucket();
        settings = new JobSettings(Device.cpu(), 1024, 1, 128, 512, null, 0L);
        spec = fmnistRun("""
                {"schemaVersion": 1, "preset": "quick",
                 "dataset": {"limit": 256}, "model": {"patch": 7},
                 "train": {"epochs": 2, "batchSize": 64, "checkpointEvery": 1},
                 "sampling": {"solver": "heun", "steps": 3, "gridSize": 8, "numEval": 64}}""");
    }

    @AfterAll
    void stop() {
        if (store != null) {
            store.close();
        }
        if (runtime != null) {
            runtime.close();
        }
    }

    static RunSpec fmnistRun(String request) {
        List<RunSpec> runs = Experiments.accept(request.getBytes(StandardCharsets.UTF_8), l -> Files.exists(Path.of(l)))
                .runs();
        assertEquals(1, runs.size(), "the request is one run");
        return runs.get(0);
    }

    /** what a service would publish, in order */
    static final class RecordingSink implements TrainJob.Sink {
        final List<RunStatus> statuses = new ArrayList<>();
        final List<CheckpointEvent> checkpoints = new ArrayList<>();
        Runnable onCheckpoint = () -> {};

        @Override
        public void status(RunStatus status) {
            statuses.add(status);
        }

        @Override
        public void checkpoint(CheckpointEvent event) {
            checkpoints.add(event);
            onCheckpoint.run();
        }

        RunStatus last() {
            return statuses.get(statuses.size() - 1);
        }
    }

    /** a service's TrainJob reads datasets under its data roots only: elsewhere the run FAILS, naming the field */
    @Test
    @Order(0)
    void aDatasetOutsideTheDataRootsFailsTheRunWithoutReadingIt() {
        DataRoots roots = DataRoots.of(List.of(temp.resolve("datasets").toString()), "DENOISE_DATA_ROOTS");
        RecordingSink sink = new RecordingSink();
        RunSpec outside = fmnistRun("""
                {"schemaVersion": 1, "experimentId": "exp-roots", "preset": "quick",
                 "dataset": {"location": "/usr/share/datasets/fashion-mnist", "limit": 64}, "train": {"batchSize": 32}}""");
        TrainJob.Result result = new TrainJob(store, settings.withDataRoots(roots)).run(outside, sink, () -> false);
        assertEquals(TrainJob.Outcome.FAILED, result.outcome());
        assertTrue(
                result.reason()
                        .startsWith(
                                "dataset.location: '/usr/share/datasets/fashion-mnist' is outside the allowed data roots"),
                result.reason());
        assertEquals(RunStatus.State.FAILED, sink.last().state());
        assertEquals(result.reason(), sink.last().reason());
        assertTrue(store.list(ObjectLayout.runPrefix(outside.runId())).isEmpty(), "nothing stored");
    }

    @Test
    @Order(1)
    void trainingStoresBeforePublishingAndResumesAfterACancel() {
        TrainJob job = new TrainJob(store, settings);

        // first owner: cancelled (rebalance) right after the epoch-1 checkpoint is published
        RecordingSink first = new RecordingSink();
        AtomicBoolean cancelled = new AtomicBoolean();
        first.onCheckpoint = () -> {
            // stored before published: the object is there when the sink sees the event
            String sha = store.stored(first.checkpoints.get(0).objectKey())
                    .orElseThrow()
                    .sha256();
            assertEquals(first.checkpoints.get(0).sha256(), sha);
            cancelled.set(true);
        };
        TrainJob.Result r1 = job.run(spec, first, cancelled::get);
        assertEquals(TrainJob.Outcome.CANCELLED, r1.outcome());
        assertEquals(RunStatus.State.QUEUED, first.statuses.get(0).state());
        assertTrue(
                first.statuses.stream()
                        .allMatch(s -> s.state() == RunStatus.State.QUEUED || s.state() == RunStatus.State.RUNNING),
                "a cancelled run reports nothing final: " + first.statuses);
        assertEquals(1, first.checkpoints.size());
        CheckpointEvent epoch1 = first.checkpoints.get(0);
        assertEquals(1, epoch1.epoch());
        assertEquals(4, epoch1.step(), "256 images / batch 64");
        assertEquals(ObjectLayout.checkpoint(spec.runId(), 1), epoch1.objectKey());
        assertNotNull(epoch1.loss());

        // second owner: resumes after epoch 1, re-publishes its event, trains epoch 2 only
        RecordingSink second = new RecordingSink();
        TrainJob.Result r2 = job.run(spec, second, () -> false);
        assertEquals(TrainJob.Outcome.COMPLETED, r2.outcome(), String.valueOf(r2.reason()));
        assertEquals(1, r2.resumedFromEpoch());
        assertEquals(8, r2.step());
        assertEquals(2, second.checkpoints.size());
        assertEquals(epoch1, second.checkpoints.get(0), "the stored event is re-published unchanged");
        CheckpointEvent epoch2 = second.checkpoints.get(1);
        assertEquals(2, epoch2.epoch());
        assertEquals(8, epoch2.step());
        assertEquals(store.stored(epoch2.objectKey()).orElseThrow().sha256(), epoch2.sha256());
        assertEquals(store.stored(epoch2.objectKey()).orElseThrow().sizeBytes(), epoch2.sizeBytes());
        RunStatus done = second.last();
        assertEquals(RunStatus.State.COMPLETED, done.state());
        assertEquals(2, done.epoch());
        assertEquals(8, done.step());
        assertTrue(second.statuses.stream().anyMatch(s -> s.state() == RunStatus.State.RUNNING));

        // a redelivered run request: nothing left to train
        RecordingSink third = new RecordingSink();
        TrainJob.Result r3 = job.run(spec, third, () -> false);
        assertEquals(TrainJob.Outcome.COMPLETED, r3.outcome());
        assertEquals(2, r3.resumedFromEpoch());
        assertEquals(8, r3.step(), "no step retrained");
        assertEquals(List.of(epoch2), third.checkpoints);
        assertEquals(RunStatus.State.COMPLETED, third.last().state());
        assertEquals(
                java.util.Set.of(
                        ObjectLayout.checkpoint(spec.runId(), 1),
                        ObjectLayout.checkpointEvent(spec.runId(), 1),
                        ObjectLayout.checkpoint(spec.runId(), 2),
                        ObjectLayout.checkpointEvent(spec.runId(), 2)),
                java.util.Set.copyOf(store.list(ObjectLayout.checkpointsPrefix(spec.runId()))),
                "one checkpoint and its event per epoch, nothing else");
        lastCheckpoint = epoch2;
    }

    @Test
    @Order(2)
    void aMissingDatasetFailsTheRunWithAReason() {
        RunSpec.DatasetSpec d = spec.dataset();
        RunSpec broken = new RunSpec(
                "missing-data-run",
                spec.experimentId(),
                new RunSpec.DatasetSpec(
                        d.kind(), temp.resolve("no-such-dir").toString(), d.imageSize(), d.toyDim(), d.limit()),
                spec.model(),
                spec.method(),
                spec.prediction(),
                spec.loss(),
                spec.train(),
                spec.sampling(),
                spec.eval());
        RecordingSink sink = new RecordingSink();
        TrainJob.Result r = new TrainJob(store, settings).run(broken, sink, () -> false);
        assertEquals(TrainJob.Outcome.FAILED, r.outcome());
        assertEquals(RunStatus.State.FAILED, sink.last().state());
        assertTrue(
                sink.last().reason().startsWith("dataset: ")
                        && sink.last().reason().contains("no-such-dir"),
                sink.last().reason());
        assertTrue(sink.checkpoints.isEmpty());
    }

    @Test
    @Order(3)
    void aCheckpointWithAWrongChecksumIsRefused() {
        assertNotNull(lastCheckpoint, "needs the training test");
        CheckpointEvent e = lastCheckpoint;
        String wrong = "0".repeat(64);
        // another epoch, so that no stored samples short-cut the download
        CheckpointEvent tampered = new CheckpointEvent(
                e.schemaVersion(),
                e.runId(),
                e.experimentId(),
                99,
                e.step(),
                e.objectKey(),
                wrong,
                e.sizeBytes(),
                e.loss(),
                e.spec(),
                e.createdAt());
        SampleJob job = new SampleJob(store, settings);
        ObjectStoreException.ChecksumMismatch x =
                assertThrows(ObjectStoreException.ChecksumMismatch.class, () -> job.handle(tampered));
        assertTrue(x.getMessage().contains(e.objectKey()), x.getMessage());
        assertEquals(0, job.batchesGenerated());
        assertFalse(store.exists(ObjectLayout.grid(e.runId(), 99)));
    }

    @Test
    @Order(4)
    void samplingTheSameCheckpointTwiceStoresOneGridAndBatch() throws Exception {
        assertNotNull(lastCheckpoint, "needs the training test");
        SampleJob job = new SampleJob(store, settings);
        SamplesEvent a = job.handle(lastCheckpoint);
        SamplesEvent b = job.handle(lastCheckpoint);
        assertEquals(1, job.batchesGenerated(), "the redelivered event is answered from the store");
        assertEquals(withoutTime(a), withoutTime(b));

        assertEquals(ObjectLayout.grid(spec.runId(), 2), a.gridKey());
        assertEquals(ObjectLayout.samples(spec.runId(), 2), a.batchKey());
        assertEquals(64, a.numSamples());
        assertEquals(lastCheckpoint.loss(), a.trainLoss());
        byte[] png = store.get(a.gridKey(), a.gridSha256());
        assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G'}, java.util.Arrays.copyOf(png, 4));
        Npy.Array batch = Npy.read(new ByteArrayInputStream(store.get(a.batchKey(), a.batchSha256())), a.batchKey());
        assertEquals(Npy.Type.UINT8, batch.type());
        assertArrayEquals(new long[] {64, 1, 28, 28}, batch.shape());
        samples = a;
    }

    @Test
    @Order(5)
    void scoringTheSameSamplesTwicePublishesOnce() throws Exception {
        assertNotNull(samples, "needs the sampling test");
        try (EvalJob job = new EvalJob(store, settings)) {
            Optional<EvaluationEvent> first = job.handle(samples);
            assertTrue(first.isPresent());
            EvaluationEvent e = first.get();
            assertEquals("classifier", e.extractor());
            assertEquals("fd_classifier", e.fdMetric());
            assertEquals("is_classifier", e.isMetric());
            assertTrue(e.fd() != null && Double.isFinite(e.fd()) && e.fd() >= 0, "fd " + e.fd());
            assertTrue(e.isMean() != null && e.isMean() >= 1 && e.isMean() <= 10, "is " + e.isMean());
            assertEquals(64, e.numSamples());
            assertEquals(lastCheckpoint.loss(), e.trainLoss());
            assertEquals(2, e.epoch());

            assertTrue(job.handle(samples).isEmpty(), "already scored: nothing to publish");
            assertEquals(List.of(e), job.results(spec.runId()));
        }
        assertTrue(store.exists(ObjectLayout.model("classifier-fmnist")));
        assertTrue(store.exists(ObjectLayout.stats("fmnist", "classifier")));
        // a new instance (a restarted service) reuses the stored classifier and statistics, and the result
        try (EvalJob restarted = new EvalJob(store, settings)) {
            assertTrue(restarted.handle(samples).isEmpty());
        }
    }

    /** a store from before KID (statistics without reference features) gets its reference again, with KID */
    @Test
    @Order(6)
    void referenceStatisticsWithoutFeaturesAreComputedAgainForKid() throws Exception {
        assertNotNull(samples, "needs the sampling test");
        String features = ObjectLayout.referenceFeatures("fmnist", "classifier");
        String stats = ObjectLayout.stats("fmnist", "classifier");
        Gaussian before = storedGaussian(stats);
        store.delete(features);
        store.delete(ObjectLayout.evaluation(spec.runId(), samples.epoch(), "classifier"));
        try (EvalJob job = new EvalJob(store, settings)) {
            EvaluationEvent e = job.handle(samples).orElseThrow();
            assertEquals("kid_classifier", e.kidMetric());
            assertTrue(e.kid() != null && Double.isFinite(e.kid()), "kid " + e.kid());
        }
        assertTrue(store.exists(features), "the features are stored again");
        // the same values (the .npz bytes differ: a zip entry carries its time)
        Gaussian after = storedGaussian(stats);
        assertArrayEquals(before.mu(), after.mu(), "the same mean");
        assertArrayEquals(before.sigma(), after.sigma(), "the same covariance");
    }

    private Gaussian storedGaussian(String key) throws Exception {
        Path tmp = Files.createTempFile(temp, "stats", ".npz");
        store.download(key, store.stored(key).orElseThrow().sha256(), tmp);
        return Gaussian.load(tmp);
    }

    @Test
    @Order(6)
    void toyRunsAreSampledAsPointsAndScoredByTheirDistanceToTheSpiral() throws Exception {
        RunSpec toy = fmnistRun("""
                {"schemaVersion": 1, "preset": "toy", "prediction": "x",
                 "dataset": {"toyDim": 8, "limit": 512},
                 "train": {"epochs": 1, "batchSize": 128, "checkpointEvery": 1},
                 "sampling": {"steps": 10, "numEval": 200}}""");
        RecordingSink sink = new RecordingSink();
        assertEquals(
                TrainJob.Outcome.COMPLETED,
                new TrainJob(store, settings).run(toy, sink, () -> false).outcome());
        assertEquals(1, sink.checkpoints.size());

        SamplesEvent s = new SampleJob(store, settings).handle(sink.checkpoints.get(0));
        assertEquals(200, s.numSamples());
        Npy.Array points = Npy.read(new ByteArrayInputStream(store.get(s.batchKey(), s.batchSha256())), s.batchKey());
        assertEquals(Npy.Type.FLOAT32, points.type());
        assertArrayEquals(new long[] {200, 1, 1, 8}, points.shape());
        byte[] png = store.get(s.gridKey(), s.gridSha256());
        assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G'}, java.util.Arrays.copyOf(png, 4));

        try (EvalJob job = new EvalJob(store, settings)) {
            EvaluationEvent e = job.handle(s).orElseThrow();
            assertEquals(EvalJob.TOY, e.extractor());
            assertEquals(EvalJob.TOY_DISTANCE, e.fdMetric());
            assertEquals(EvalJob.OFF_MANIFOLD, e.isMetric());
            assertTrue(e.fd() != null && e.fd() > 0 && e.fd() < 10, "distance " + e.fd());
            assertTrue(e.isMean() != null && e.isMean() >= 0, "off-manifold " + e.isMean());
            assertTrue(job.handle(s).isEmpty());
            assertTrue(store.exists(ObjectLayout.evaluation(toy.runId(), 1, EvalJob.TOY)));
        }
    }

    @Test
    @Order(7)
    void aDivergingRunFailsWithTheLossInTheReason() {
        RunSpec toy = fmnistRun("""
                {"schemaVersion": 1, "preset": "toy", "prediction": "x",
                 "dataset": {"toyDim": 8, "limit": 512}, "train": {"epochs": 3, "batchSize": 128}}""");
        RunSpec.TrainSpec t = toy.train();
        // past what a request may ask for: the weights overflow within a few steps
        RunSpec.TrainSpec absurd = t.withLearningRate(1e30);
        RunSpec diverging = new RunSpec(
                "diverging-run",
                toy.experimentId(),
                toy.dataset(),
                toy.model(),
                toy.method(),
                toy.prediction(),
                toy.loss(),
                absurd,
                toy.sampling(),
                toy.eval());
        RecordingSink sink = new RecordingSink();
        TrainJob.Result r = new TrainJob(store, settings).run(diverging, sink, () -> false);
        assertEquals(TrainJob.Outcome.FAILED, r.outcome());
        RunStatus failed = sink.last();
        assertEquals(RunStatus.State.FAILED, failed.state());
        assertTrue(failed.reason().startsWith("loss is ") && failed.reason().contains("at step"), failed.reason());
    }

    private static SamplesEvent withoutTime(SamplesEvent s) {
        return new SamplesEvent(
                s.schemaVersion(),
                s.runId(),
                s.experimentId(),
                s.epoch(),
                s.gridKey(),
                s.gridSha256(),
                s.batchKey(),
                s.batchSha256(),
                s.numSamples(),
                s.trainLoss(),
                s.checkpointKey(),
                s.spec(),
                null,
                s.sweep());
    }
}
