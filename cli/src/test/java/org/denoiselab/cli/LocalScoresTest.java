package org.denoiselab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.denoiselab.experiment.Experiments;
import org.denoiselab.pipeline.jobs.JobSettings;
import org.denoiselab.science.data.Datasets;
import org.denoiselab.science.data.FashionMnist;
import org.denoiselab.science.data.ImageDataset;
import org.denoiselab.science.eval.Evaluator;
import org.denoiselab.science.spec.RunSpec;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** bin/lab's scores: real garments score far better than noise, and the cached reference gives the same numbers. */
class LocalScoresTest {
    private static final int N = 300;
    /** a small classifier budget: the test checks the plumbing, the services' budget is JobSettings.defaults() */
    private static final JobSettings SETTINGS =
            JobSettings.defaults().withClassifierBudget(3000, 1).withReferenceImages(2000);

    @BeforeAll
    static void needsFashionMnist() {
        Assumptions.assumeTrue(
                Files.isRegularFile(FashionMnist.DEFAULT_DIR.resolve("t10k-labels-idx1-ubyte.gz")),
                "dataset-fashion-mnist not installed (bin/test installs it)");
    }

    private static RunSpec spec(String extractor) {
        String json = "{\"preset\": \"fmnist\", \"prediction\": \"x\", \"model\": {\"patch\": 7},"
                + " \"evaluation\": {\"extractor\": \"" + extractor + "\"}}";
        return Experiments.accept(json.getBytes(), location -> true).runs().get(0);
    }

    /** N test images from the end of the test split (the reference uses its first 2000), in model space */
    private static float[] realSamples(RunSpec spec) throws Exception {
        ImageDataset test = Datasets.open(spec.dataset().withLimit(0), false);
        float[] x = new float[N * test.sampleLength()];
        for (int i = 0; i < N; i++) {
            test.read(test.size() - 1 - i, x, i * test.sampleLength());
        }
        return x;
    }

    @Test
    void garmentsScoreFarBetterThanNoiseAndTheCacheGivesTheSameNumbers(@TempDir Path cache) throws Exception {
        RunSpec spec = spec("classifier");
        float[] real = realSamples(spec);
        float[] noise = new float[real.length];
        Random r = new Random(3);
        for (int i = 0; i < noise.length; i++) {
            noise[i] = (float) r.nextGaussian();
        }
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        Evaluator.Scores realScores;
        Evaluator.Scores noiseScores;
        try (LocalScores scores = new LocalScores(cache, new PrintStream(log), SETTINGS)) {
            realScores = scores.score(spec, real, N).orElseThrow();
            noiseScores = scores.score(spec, noise, N).orElseThrow();
        }
        assertTrue(log.toString().contains("classifier for fmnist trained"), log.toString());
        assertEquals("fd_classifier", realScores.fdName());
        assertEquals(N, realScores.samples());
        assertTrue(realScores.fd() * 5 < noiseScores.fd(), realScores.fd() + " vs noise " + noiseScores.fd());
        assertTrue(realScores.kidMean() < noiseScores.kidMean(), realScores.kidMean() + " vs " + noiseScores.kidMean());
        assertTrue(realScores.isMean() > noiseScores.isMean(), "garments are classified more confidently");

        // a second bin/lab reads the classifier and the reference from the cache: the same numbers
        log.reset();
        try (LocalScores again = new LocalScores(cache, new PrintStream(log), SETTINGS)) {
            Evaluator.Scores same = again.score(spec, real, N).orElseThrow();
            assertEquals(realScores.fd(), same.fd());
            assertEquals(realScores.kidMean(), same.kidMean());
        }
        assertEquals("", log.toString(), "nothing trained the second time");
    }

    @Test
    void runsWithoutTheClassifierExtractorAreNotScored(@TempDir Path cache) throws Exception {
        try (LocalScores scores = new LocalScores(cache, new PrintStream(new ByteArrayOutputStream()), SETTINGS)) {
            assertTrue(scores.score(spec("none"), new float[784], 1).isEmpty());
        }
    }
}
