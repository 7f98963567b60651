package org.denoiselab.pipeline.jobs;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.denoiselab.experiment.json.Json;
import org.denoiselab.pipeline.events.EvaluationEvent;
import org.denoiselab.pipeline.events.PipelineMessage;
import org.denoiselab.pipeline.events.SamplesEvent;
import org.denoiselab.pipeline.store.ObjectLayout;
import org.denoiselab.pipeline.store.ObjectStore;
import org.denoiselab.science.data.DatasetKind;
import org.denoiselab.science.data.Datasets;
import org.denoiselab.science.data.ImageDataset;
import org.denoiselab.science.data.ToyManifold;
import org.denoiselab.science.eval.ClassifierExtractor;
import org.denoiselab.science.eval.Evaluator;
import org.denoiselab.science.eval.Extractor;
import org.denoiselab.science.eval.FeatureExtractor;
import org.denoiselab.science.eval.FeatureStats.Gaussian;
import org.denoiselab.science.eval.ImageSource;
import org.denoiselab.science.eval.InceptionExtractor;
import org.denoiselab.science.eval.Npy;
import org.denoiselab.science.spec.Choice;
import org.denoiselab.science.spec.RunSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scores one sample batch for the eval service and keeps the result in the store
 * (ObjectLayout.evaluation): a batch already scored under the run's extractor gives nothing to publish.
 *
 * <p>Extractors: "classifier" = the eval package's CNN, trained once per dataset on
 * {@link JobSettings#classifierTrainImages()} images and kept at ObjectLayout.model("classifier-&lt;dataset&gt;");
 * "inception" = Inception-v3 from {@link JobSettings#inceptionPath()}. Reference statistics of the
 * dataset's test split are computed once per dataset and extractor and kept at ObjectLayout.stats (as
 * pytorch-fid .npz), unless the run names its own. Toy runs are scored by their distance to the spiral
 * ("toy_distance", in the event's fd slot) and off-plane spread ("off_manifold", in its IS-mean slot).
 *
 * <p>One instance keeps its extractors loaded; close it to free them. Calls are serialised.
 */
public final class EvalJob implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EvalJob.class);
    public static final String CLASSIFIER = Extractor.CLASSIFIER.label();
    public static final String INCEPTION = Extractor.INCEPTION.label();
    /** the extractor name under which toy runs are scored */
    public static final String TOY = "toy";

    public static final String TOY_DISTANCE = "toy_distance";
    public static final String OFF_MANIFOLD = "off_manifold";
    private static final String NONE = Extractor.NONE.label();

    private final ObjectStore store;
    private final JobSettings settings;
    private final Map<String, FeatureExtractor> extractors = new HashMap<>();
    private final Map<String, Gaussian> references = new HashMap<>();

    public EvalJob(ObjectStore store, JobSettings settings) {
        this.store = store;
        this.settings = settings;
    }

    /** @return the evaluation to publish, or empty when it was already stored (or the run asks for none) */
    public synchronized Optional<EvaluationEvent> handle(SamplesEvent samples) throws IOException {
        RunSpec spec = samples.spec();
        if (spec == null) {
            throw new IllegalArgumentException(
                    "samples event for run " + samples.runId() + " epoch " + samples.epoch() + " carries no spec");
        }
        String extractor = extractorOf(spec);
        if (extractor.equals(NONE)) {
            LOG.info("run {}: evaluation.extractor is none, nothing to score", samples.runId());
            return Optional.empty();
        }
        String resultKey = ObjectLayout.evaluation(samples.runId(), samples.epoch(), extractor);
        if (store.exists(resultKey)) {
            LOG.info(
                    "run {} epoch {}: already scored ({}), nothing to publish",
                    samples.runId(),
                    samples.epoch(),
                    resultKey);
            return Optional.empty();
        }
        long t0 = System.nanoTime();
        Npy.Array batch = Npy.read(
                new ByteArrayInputStream(store.get(samples.batchKey(), samples.batchSha256())), samples.batchKey());
        EvaluationEvent event =
                extractor.equals(TOY) ? scoreToy(samples, spec, batch) : scoreImages(samples, spec, extractor, batch);
        store.put(resultKey, Json.encode(event));
        LOG.info(String.format(
                Locale.ROOT,
                "run %s epoch %d: %s=%s %s=%s (%d samples, %.1f s)",
                samples.runId(),
                samples.epoch(),
                event.fdMetric(),
                event.fd(),
                event.isMetric(),
                event.isMean(),
                event.numSamples(),
                (System.nanoTime() - t0) / 1e9));
        return Optional.of(event);
    }

    /**
     * The evaluation already stored for this batch, if any: what to publish when a previous attempt stored it
     * but did not live to publish it ({@link #handle} then returns empty).
     */
    public synchronized Optional<EvaluationEvent> stored(SamplesEvent samples) {
        if (samples.spec() == null) {
            return Optional.empty();
        }
        String extractor = extractorOf(samples.spec());
        if (extractor.equals(NONE)) {
            return Optional.empty();
        }
        String key = ObjectLayout.evaluation(samples.runId(), samples.epoch(), extractor);
        return store.stored(key).map(s -> EvaluationEvent.decode(store.get(key, s.sha256())));
    }

    /** every stored evaluation of a run, in key order (epoch, then extractor) */
    public List<EvaluationEvent> results(String runId) {
        List<EvaluationEvent> out = new ArrayList<>();
        for (String key : store.list(ObjectLayout.evaluationsPrefix(runId))) {
            store.stored(key).ifPresent(s -> out.add(EvaluationEvent.decode(store.get(key, s.sha256()))));
        }
        return out;
    }

    /** the extractor a run is scored with: "toy" for toy runs, else evaluation.extractor */
    static String extractorOf(RunSpec spec) {
        if (JobSupport.isToy(spec)) {
            return TOY;
        }
        Extractor e = spec.eval() == null ? null : spec.eval().extractor();
        if (e == null) {
            throw new IllegalArgumentException("evaluation.extractor is missing for dataset.kind "
                    + spec.dataset().kind().label() + " (one of " + Choice.labels(Extractor.class) + ")");
        }
        return e.label();
    }

    private EvaluationEvent scoreImages(SamplesEvent samples, RunSpec spec, String extractorName, Npy.Array batch)
            throws IOException {
        long[] s = batch.shape();
        DatasetKind.SampleShape shape = Datasets.shapeOf(spec.dataset());
        if (s.length != 4 || s[1] != shape.channels() || s[2] != shape.height() || s[3] != shape.width()) {
            throw new IOException(samples.batchKey() + ": expected a batch of N x " + shape.channels() + " x "
                    + shape.height() + " x " + shape.width() + " images, got " + batch);
        }
        byte[] pixels = batch.asUint8(samples.batchKey());
        FeatureExtractor extractor = extractor(spec, extractorName);
        Gaussian reference = reference(spec, extractorName, extractor);
        Evaluator.Scores scores = Evaluator.score(
                ImageSource.ofBytes(pixels, (int) s[0], (int) s[1], (int) s[2], (int) s[3]), extractor, reference);
        return EvaluationEvent.of(samples, extractorName, scores.fd(), scores.isMean(), scores.isStd());
    }

    private static EvaluationEvent scoreToy(SamplesEvent samples, RunSpec spec, Npy.Array batch) throws IOException {
        ToyManifold toy = (ToyManifold) Datasets.open(spec.dataset(), true);
        long[] s = batch.shape();
        if (s.length != 4 || s[1] != 1 || s[2] != 1 || s[3] != toy.dim()) {
            throw new IOException(
                    samples.batchKey() + ": expected toy points of shape N x 1 x 1 x " + toy.dim() + ", got " + batch);
        }
        int n = (int) s[0];
        double[] values = batch.asDoubles();
        float[] points = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            points[i] = (float) values[i];
        }
        double distance = toy.distanceToSpiral(toy.toPlane(points, n), n);
        double offManifold = toy.offManifold(points, n);
        return new EvaluationEvent(
                PipelineMessage.SCHEMA_VERSION,
                samples.runId(),
                samples.experimentId(),
                samples.epoch(),
                TOY,
                TOY_DISTANCE,
                distance,
                OFF_MANIFOLD,
                offManifold,
                null,
                n,
                samples.trainLoss(),
                samples.batchKey(),
                spec,
                PipelineMessage.now());
    }

    /**
     * The dataset part of stats and model names: the kind, and the side where it varies (celeba64); an image
     * folder also by its location (two researchers' folders must not share reference statistics or a
     * classifier): imagefolder64-&lt;first 12 hex of the location's SHA-256&gt;.
     */
    static String datasetLabel(RunSpec.DatasetSpec d) {
        if (d.kind() == DatasetKind.IMAGEFOLDER) {
            String where = d.location() == null ? "" : d.location();
            return d.kind().label() + Datasets.shapeOf(d).height() + "-"
                    + org.denoiselab.pipeline.store.Sha256.hex(where.getBytes(java.nio.charset.StandardCharsets.UTF_8))
                            .substring(0, 12);
        }
        return d.kind().resizable()
                ? d.kind().label() + Datasets.shapeOf(d).height()
                : d.kind().label();
    }

    private FeatureExtractor extractor(RunSpec spec, String name) throws IOException {
        String cacheKey = name.equals(INCEPTION) ? INCEPTION : CLASSIFIER + "-" + datasetLabel(spec.dataset());
        FeatureExtractor cached = extractors.get(cacheKey);
        if (cached != null) {
            return cached;
        }
        FeatureExtractor loaded = name.equals(INCEPTION) ? inception() : classifier(spec.dataset(), cacheKey);
        extractors.put(cacheKey, loaded);
        return loaded;
    }

    private FeatureExtractor inception() throws IOException {
        if (settings.inceptionPath() == null) {
            throw new IllegalStateException("evaluation.extractor inception needs the Inception-v3 TorchScript file"
                    + " (inception-2015-12-05.pt): no inception path is configured in the job settings");
        }
        return new InceptionExtractor(settings.inceptionPath());
    }

    /** the stored classifier of the dataset, trained and stored first if there is none */
    private ClassifierExtractor classifier(RunSpec.DatasetSpec dataset, String modelName) throws IOException {
        String key = ObjectLayout.model(modelName);
        Optional<ObjectStore.Stored> stored = store.stored(key);
        if (stored.isPresent()) {
            return JobSupport.withTempFile(".classifier", tmp -> {
                store.download(key, stored.get().sha256(), tmp);
                return ClassifierExtractor.load(tmp);
            });
        }
        long t0 = System.nanoTime();
        ImageDataset data = Datasets.open(withLimit(dataset, settings.classifierTrainImages()), true);
        ClassifierExtractor classifier = ClassifierExtractor.train(
                data, settings.classifierEpochs(), settings.classifierBatch(), settings.seed());
        try {
            JobSupport.withTempFile(".classifier", tmp -> {
                classifier.save(tmp);
                return store.put(key, tmp);
            });
        } catch (IOException | RuntimeException e) {
            classifier.close();
            throw e;
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        // the classifier's test accuracy says how much its feature space can be trusted for FD/IS
        double accuracy = classifier.accuracy(Datasets.open(dataset, false));
        LOG.info(String.format(
                Locale.ROOT,
                "classifier for %s trained on %d images x %d epochs in %.1f s: test accuracy %.2f%%," + " stored as %s",
                modelName,
                data.size(),
                settings.classifierEpochs(),
                seconds,
                100 * accuracy,
                key));
        return classifier;
    }

    /**
     * The run's reference statistics: its own file or object when it names one, else the dataset's
     * test-split statistics under this extractor, computed and stored the first time.
     */
    private Gaussian reference(RunSpec spec, String extractorName, FeatureExtractor extractor) throws IOException {
        String named = spec.eval().referenceStats();
        String key = named != null && !named.isBlank()
                ? named
                : ObjectLayout.stats(datasetLabel(spec.dataset()), extractorName);
        Gaussian cached = references.get(key);
        if (cached != null) {
            return cached;
        }
        Gaussian reference;
        if (named != null && !named.isBlank() && Files.isRegularFile(Path.of(named))) {
            reference = Gaussian.load(Path.of(named));
        } else {
            Optional<ObjectStore.Stored> stored = store.stored(key);
            if (stored.isPresent()) {
                reference = JobSupport.withTempFile(".npz", tmp -> {
                    store.download(key, stored.get().sha256(), tmp);
                    return Gaussian.load(tmp);
                });
            } else if (key.equals(named)) {
                throw new IOException("evaluation.referenceStats '" + named
                        + "' is neither a file nor an object in bucket '" + store.bucket() + "'");
            } else {
                reference = computeReference(spec.dataset(), extractor, key);
            }
        }
        references.put(key, reference);
        return reference;
    }

    private Gaussian computeReference(RunSpec.DatasetSpec dataset, FeatureExtractor extractor, String key)
            throws IOException {
        long t0 = System.nanoTime();
        ImageDataset data = Datasets.open(withLimit(dataset, settings.referenceImages()), false);
        Gaussian reference =
                Evaluator.statistics(ImageSource.ofDataset(data), extractor).toGaussian();
        JobSupport.withTempFile(".npz", tmp -> {
            reference.save(tmp);
            return store.put(key, tmp);
        });
        LOG.info(String.format(
                Locale.ROOT,
                "reference statistics %s from %d test images in %.1f s",
                key,
                data.size(),
                (System.nanoTime() - t0) / 1e9));
        return reference;
    }

    private static RunSpec.DatasetSpec withLimit(RunSpec.DatasetSpec d, int limit) {
        return new RunSpec.DatasetSpec(d.kind(), d.location(), d.imageSize(), d.toyDim(), limit);
    }

    @Override
    public synchronized void close() {
        extractors.values().forEach(FeatureExtractor::close);
        extractors.clear();
        references.clear();
    }
}
