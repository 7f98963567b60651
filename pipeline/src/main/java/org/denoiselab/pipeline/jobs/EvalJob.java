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
import org.denoiselab.experiment.json.MessageException;
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
    private final Map<String, Reference> references = new HashMap<>();

    /** reference images this many at most keep their features for KID */
    public static final int REFERENCE_FEATURES = 2000;

    /** statistics of the reference images, and some of their features (null when only statistics exist) */
    private record Reference(Gaussian statistics, Evaluator.FeatureSample features) {}

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
        FeatureExtractor extractor = extractor(spec, extractorName);
        Reference reference = reference(spec, extractorName, extractor);
        Evaluator.Scores scores = scoreBatch(samples.batchKey(), spec, batch, extractor, reference);
        List<EvaluationEvent.SweepScore> sweep = new ArrayList<>();
        for (SamplesEvent.SweepBatch b : samples.sweep()) {
            Npy.Array swept =
                    Npy.read(new ByteArrayInputStream(store.get(b.batchKey(), b.batchSha256())), b.batchKey());
            Evaluator.Scores s = scoreBatch(b.batchKey(), spec, swept, extractor, reference);
            sweep.add(new EvaluationEvent.SweepScore(
                    b.emaDecay(), b.cfgScale(), s.fd(), s.isMean(), s.isStd(), s.kidMean(), s.kidStd(), b.batchKey()));
        }
        return EvaluationEvent.of(
                samples,
                extractorName,
                scores.fd(),
                scores.isMean(),
                scores.isStd(),
                scores.kidMean(),
                scores.kidStd(),
                sweep);
    }

    private static Evaluator.Scores scoreBatch(
            String key, RunSpec spec, Npy.Array batch, FeatureExtractor extractor, Reference reference)
            throws IOException {
        long[] s = batch.shape();
        DatasetKind.SampleShape shape = Datasets.shapeOf(spec.dataset());
        if (s.length != 4 || s[1] != shape.channels() || s[2] != shape.height() || s[3] != shape.width()) {
            throw new IOException(key + ": expected a batch of N x " + shape.channels() + " x " + shape.height() + " x "
                    + shape.width() + " images, got " + batch);
        }
        byte[] pixels = batch.asUint8(key);
        return Evaluator.score(
                ImageSource.ofBytes(pixels, (int) s[0], (int) s[1], (int) s[2], (int) s[3]),
                extractor,
                reference.statistics(),
                reference.features());
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
                PipelineMessage.now(),
                null,
                null,
                null,
                List.of());
    }

    /**
     * The dataset part of stats and model names: the kind, and the side where it varies (celeba64); an image
     * folder also by its location (two researchers' folders must not share reference statistics or a
     * classifier): imagefolder64-&lt;first 12 hex of the location's SHA-256&gt;.
     */
    public static String datasetLabel(RunSpec.DatasetSpec d) {
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
        ImageDataset data = openDataset(dataset.withLimit(settings.classifierTrainImages()), true);
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
        double accuracy = classifier.accuracy(openDataset(dataset, false));
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
     * The run's reference: its own statistics file (an absolute path, under the settings' data roots when
     * they are set) or object when it names one (no features, so no KID), else the dataset's test-split
     * statistics and first {@value #REFERENCE_FEATURES} features under this extractor, computed and stored
     * the first time (and again when a store from before KID holds the statistics without the features).
     *
     * @throws MessageException for a local file outside the data roots (the record cannot be used)
     */
    private Reference reference(RunSpec spec, String extractorName, FeatureExtractor extractor) throws IOException {
        String named = spec.eval().referenceStats();
        String label = datasetLabel(spec.dataset());
        String key = named != null && !named.isBlank() ? named : ObjectLayout.stats(label, extractorName);
        Reference cached = references.get(key);
        if (cached != null) {
            return cached;
        }
        Reference reference;
        boolean local = named != null && !named.isBlank() && named.startsWith("/");
        if (local && settings.dataRoots() != null) {
            // a local file only under the configured roots: an evaluation never reads an arbitrary file
            Optional<String> refused = settings.dataRoots().refuseLocal(named, true);
            if (refused.isPresent()) {
                throw new MessageException("spec.eval.referenceStats", refused.get());
            }
        }
        if (local && Files.isRegularFile(Path.of(named))) {
            reference = new Reference(Gaussian.load(Path.of(named)), null);
        } else {
            Optional<ObjectStore.Stored> stored = store.stored(key);
            boolean own = !key.equals(named);
            String featuresKey = ObjectLayout.referenceFeatures(label, extractorName);
            // the features are looked up once: missing beside stored statistics, the store is from before KID
            Optional<ObjectStore.Stored> features =
                    own && stored.isPresent() ? store.stored(featuresKey) : Optional.empty();
            if (stored.isPresent() && own && features.isEmpty()) {
                // statistics stored before KID kept reference features: computed again, now with the features,
                // so an old store does not silently lose KID (same classifier and images: the same statistics)
                LOG.info("reference {} has no features for KID: computing it again", key);
                reference = computeReference(spec.dataset(), extractor, key, label, extractorName);
            } else if (stored.isPresent()) {
                Gaussian statistics = JobSupport.withTempFile(".npz", tmp -> {
                    store.download(key, stored.get().sha256(), tmp);
                    return Gaussian.load(tmp);
                });
                reference = new Reference(statistics, own ? storedFeatures(featuresKey, features.get()) : null);
            } else if (key.equals(named)) {
                throw new IOException("evaluation.referenceStats '" + named
                        + "' is neither a file nor an object in bucket '" + store.bucket() + "'");
            } else {
                reference = computeReference(spec.dataset(), extractor, key, label, extractorName);
            }
        }
        references.put(key, reference);
        return reference;
    }

    /** the stored reference features, or null (KID skipped, with a warning) when they cannot be read */
    private Evaluator.FeatureSample storedFeatures(String key, ObjectStore.Stored stored) {
        try {
            return Evaluator.FeatureSample.fromNpy(
                    Npy.read(new ByteArrayInputStream(store.get(key, stored.sha256())), key), key);
        } catch (IOException e) {
            LOG.warn("reference features {} unreadable, KID skipped: {}", key, e.getMessage());
            return null;
        }
    }

    private Reference computeReference(
            RunSpec.DatasetSpec dataset, FeatureExtractor extractor, String key, String label, String extractorName)
            throws IOException {
        long t0 = System.nanoTime();
        ImageDataset data = openDataset(dataset.withLimit(settings.referenceImages()), false);
        Evaluator.FeatureSample[] kept = new Evaluator.FeatureSample[1];
        Gaussian statistics = Evaluator.statistics(ImageSource.ofDataset(data), extractor, REFERENCE_FEATURES, kept)
                .toGaussian();
        JobSupport.withTempFile(".npz", tmp -> {
            statistics.save(tmp);
            return store.put(key, tmp);
        });
        Evaluator.FeatureSample f = kept[0];
        store.put(ObjectLayout.referenceFeatures(label, extractorName), npy(f.toNpy()));
        LOG.info(String.format(
                Locale.ROOT,
                "reference statistics %s from %d test images (%d features kept for KID) in %.1f s",
                key,
                data.size(),
                f.count(),
                (System.nanoTime() - t0) / 1e9));
        return new Reference(statistics, f);
    }

    private static byte[] npy(Npy.Array array) throws IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        Npy.write(array, out);
        return out.toByteArray();
    }

    /**
     * Opens a run's dataset, which must lie under the settings' data roots when they are set.
     *
     * @throws MessageException for a dataset.location outside the roots (the record cannot be used)
     */
    private ImageDataset openDataset(RunSpec.DatasetSpec d, boolean train) throws IOException {
        if (settings.dataRoots() != null
                && d.location() != null
                && !d.location().isBlank()) {
            Optional<String> refused = settings.dataRoots().refuseLocal(d.location(), false);
            if (refused.isPresent()) {
                throw new MessageException("spec.dataset.location", refused.get());
            }
        }
        return Datasets.open(d, train);
    }

    @Override
    public synchronized void close() {
        extractors.values().forEach(FeatureExtractor::close);
        extractors.clear();
        references.clear();
    }
}
