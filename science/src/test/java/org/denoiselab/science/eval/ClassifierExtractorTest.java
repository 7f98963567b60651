package org.denoiselab.science.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.denoiselab.science.data.ImageDataset;
import org.denoiselab.science.data.InMemoryImages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClassifierExtractorTest {
    @TempDir
    Path dir;

    @Test
    void trainsToHighAccuracyAndRoundTripsItsWeights() throws IOException {
        InMemoryImages train = QuadrantDataset.of(320, 12, 1);
        InMemoryImages test = QuadrantDataset.of(200, 12, 2);
        Path weights = dir.resolve("classifier.bin");
        float[] before;
        byte[] images = SampleImages.toUint8(pixels(test, 8));
        try (ClassifierExtractor c = ClassifierExtractor.train(train, 3, 32, 7)) {
            double accuracy = c.accuracy(test);
            assertTrue(accuracy > 0.9, "test accuracy " + accuracy);
            assertEquals("fd_classifier", c.fdName());
            assertEquals("is_classifier", c.isName());
            FeatureExtractor.Features f = c.extract(images, 8, 1, 12, 12, true);
            assertEquals(8 * ClassifierExtractor.FEATURE_DIM, f.features().length);
            assertEquals(8 * 4, f.logits().length);
            before = f.features();
            c.save(weights);
        }
        try (ClassifierExtractor loaded = ClassifierExtractor.load(weights)) {
            assertArrayEquals(
                    before, loaded.extract(images, 8, 1, 12, 12, false).features(), 1e-6f);
            IllegalArgumentException e = assertThrows(
                    IllegalArgumentException.class, () -> loaded.extract(new byte[3 * 16 * 16], 1, 3, 16, 16, false));
            assertTrue(e.getMessage().contains("trained on 1 x 12 x 12"), e.getMessage());
        }
        Path junk = Files.write(dir.resolve("junk.bin"), new byte[] {1, 2, 3, 4, 5, 6});
        IOException e = assertThrows(IOException.class, () -> ClassifierExtractor.load(junk));
        assertTrue(e.getMessage().contains("junk.bin"), e.getMessage());
    }

    static float[] pixels(ImageDataset d, int n) {
        float[] x = new float[n * d.sampleLength()];
        for (int i = 0; i < n; i++) {
            d.read(i, x, i * d.sampleLength());
        }
        return x;
    }
}
