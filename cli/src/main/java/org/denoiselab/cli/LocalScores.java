package org.denoiselab.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.denoiselab.pipeline.jobs.EvalJob;
import org.denoiselab.pipeline.jobs.JobSettings;
import org.denoiselab.science.data.Datasets;
import org.denoiselab.science.data.ImageDataset;
import org.denoiselab.science.eval.ClassifierExtractor;
import org.denoiselab.science.eval.Evaluator;
import org.denoiselab.science.eval.Extractor;
import org.denoiselab.science.eval.FeatureStats.Gaussian;
import org.denoiselab.science.eval.ImageSource;
import org.denoiselab.science.eval.Npy;
import org.denoiselab.science.eval.SampleImages;
import org.denoiselab.science.spec.RunSpec;

/**
 * FD, KID and IS of a local run's samples, scored as the eval service scores them (pipeline EvalJob): the
 * dataset's classifier trained with the services' budget ({@link JobSettings#defaults()}), the whole test
 * split as reference, samples rounded to 8 bits first. The classifier, the reference statistics and the
 * reference features are made once per dataset and kept in {@code cache} (bin/lab: OUT/.scoring), so a
 * later bin/lab on the same data scores against the same reference. Only the classifier extractor is
 * scored here; Inception-v3 needs its TorchScript file (bin/eval fd scores with it).
 */
final class LocalScores implements AutoCloseable {
    private final Path cache;
    private final PrintStream log;
    private final JobSettings settings;
    private final Map<String, ClassifierExtractor> classifiers = new HashMap<>();
    private final Map<String, Reference> references = new HashMap<>();

    private record Reference(Gaussian statistics, Evaluator.FeatureSample features) {}

    /** with the services' classifier budget and reference */
    LocalScores(Path cache, PrintStream log) {
        this(cache, log, JobSettings.defaults());
    }

    LocalScores(Path cache, PrintStream log, JobSettings settings) {
        this.cache = cache;
        this.log = log;
        this.settings = settings;
    }

    /**
     * Scores {@code n} samples of the run (C*H*W floats each in model space, as Sampling returns them).
     *
     * @return empty when the run's extractor is not the classifier (none, toy, inception)
     * @throws IOException when the dataset or the cache cannot be read or written
     */
    Optional<Evaluator.Scores> score(RunSpec spec, float[] samples, int n) throws IOException {
        if (spec.eval() == null || spec.eval().extractor() != Extractor.CLASSIFIER) {
            return Optional.empty();
        }
        String label = EvalJob.datasetLabel(spec.dataset());
        ClassifierExtractor classifier = classifier(spec.dataset(), label);
        Reference reference = reference(spec.dataset(), label, classifier);
        int[] shape = {
            Datasets.shapeOf(spec.dataset()).channels(),
            Datasets.shapeOf(spec.dataset()).height(),
            Datasets.shapeOf(spec.dataset()).width()
        };
        ImageSource images = ImageSource.ofBytes(SampleImages.toUint8(samples), n, shape[0], shape[1], shape[2]);
        return Optional.of(Evaluator.score(images, classifier, reference.statistics(), reference.features()));
    }

    private ClassifierExtractor classifier(RunSpec.DatasetSpec dataset, String label) throws IOException {
        ClassifierExtractor cached = classifiers.get(label);
        if (cached != null) {
            return cached;
        }
        Path file = cache.resolve("classifier-" + label + ".classifier");
        ClassifierExtractor classifier;
        if (Files.isRegularFile(file)) {
            classifier = ClassifierExtractor.load(file);
        } else {
            long t0 = System.nanoTime();
            ImageDataset data = Datasets.open(dataset.withLimit(settings.classifierTrainImages()), true);
            classifier = ClassifierExtractor.train(
                    data, settings.classifierEpochs(), settings.classifierBatch(), settings.seed());
            Files.createDirectories(cache);
            classifier.save(file);
            log.printf(
                    Locale.ROOT,
                    "scoring: classifier for %s trained in %.0f s (test accuracy %.1f%%), kept in %s%n",
                    label,
                    (System.nanoTime() - t0) / 1e9,
                    100 * classifier.accuracy(Datasets.open(dataset.withLimit(0), false)),
                    file);
        }
        classifiers.put(label, classifier);
        return classifier;
    }

    private Reference reference(RunSpec.DatasetSpec dataset, String label, ClassifierExtractor classifier)
            throws IOException {
        Reference cached = references.get(label);
        if (cached != null) {
            return cached;
        }
        Path stats = cache.resolve("stats-" + label + "-classifier.npz");
        Path features = cache.resolve("stats-" + label + "-classifier-features.npy");
        Reference reference;
        if (Files.isRegularFile(stats) && Files.isRegularFile(features)) {
            reference = new Reference(
                    Gaussian.load(stats), Evaluator.FeatureSample.fromNpy(Npy.read(features), features.toString()));
        } else {
            ImageDataset test = Datasets.open(dataset.withLimit(settings.referenceImages()), false);
            Evaluator.FeatureSample[] kept = new Evaluator.FeatureSample[1];
            Gaussian g = Evaluator.statistics(ImageSource.ofDataset(test), classifier, EvalJob.REFERENCE_FEATURES, kept)
                    .toGaussian();
            Files.createDirectories(cache);
            g.save(stats);
            Npy.write(kept[0].toNpy(), features);
            reference = new Reference(g, kept[0]);
        }
        references.put(label, reference);
        return reference;
    }

    @Override
    public void close() {
        classifiers.values().forEach(ClassifierExtractor::close);
    }
}
