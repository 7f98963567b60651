package org.denoiselab.science.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Loads the generated TorchScript stand-in (core/src/test/fixtures/make_inception_fixture.py), which
 * keeps inception-2015-12-05.pt's calling contract and output sizes.
 */
class InceptionExtractorTest {
    @TempDir
    Path dir;

    private Path fixture() throws IOException {
        Path file = dir.resolve("inception-fixture.pt");
        try (InputStream in = getClass().getResourceAsStream("/eval/inception-fixture.pt")) {
            Files.copy(in, file);
        }
        return file;
    }

    @Test
    void fixtureLoadsAndGivesInceptionShapes() throws IOException {
        try (InceptionExtractor inception = new InceptionExtractor(fixture())) {
            int n = 3;
            int h = 8;
            int w = 8;
            byte[] images = new byte[n * 3 * h * w];
            Arrays.fill(images, 0, 3 * h * w, (byte) 128); // mid grey: pooled input exactly 0
            Arrays.fill(images, 3 * h * w, 2 * 3 * h * w, (byte) 255);
            FeatureExtractor.Features f = inception.extract(images, n, 3, h, w, true);
            assertEquals(n * 2048, f.features().length);
            assertEquals(n * 1008, f.logits().length);
            // the fixture's features are relu(pooled W + 0.1): exactly 0.1 for mid grey
            for (int j = 0; j < 2048; j++) {
                assertEquals(0.1f, f.features()[j], 1e-6f);
            }
            assertNotEquals(f.features()[2048 + 1], f.features()[2 * 2048 + 1]);
            for (int i = 0; i < n; i++) { // log-probabilities: exp sums to 1
                double sum = 0;
                for (int k = 0; k < 1008; k++) {
                    sum += Math.exp(f.logits()[i * 1008 + k]);
                }
                assertEquals(1.0, sum, 1e-4);
            }
            assertEquals("fid_inception", inception.fdName());
            assertEquals("is_inception", inception.isName());
        }
    }

    @Test
    void greyImagesAreRepeatedToThreeChannels() throws IOException {
        int n = 2;
        int h = 5;
        int w = 7;
        byte[] grey = new byte[n * h * w];
        for (int i = 0; i < grey.length; i++) {
            grey[i] = (byte) (i * 37);
        }
        try (InceptionExtractor inception = new InceptionExtractor(fixture())) {
            float[] fromGrey = inception.extract(grey, n, 1, h, w, false).features();
            float[] fromRgb = inception
                    .extract(SampleImages.greyToRgb(grey, n, h, w), n, 3, h, w, false)
                    .features();
            assertArrayEquals(fromRgb, fromGrey);
            assertTrue(fromGrey[0] >= 0);
        }
    }

    @Test
    void missingOrBrokenFilesAreNamed() throws IOException {
        Path missing = dir.resolve("nope.pt");
        IOException e = assertThrows(IOException.class, () -> new InceptionExtractor(missing));
        assertTrue(e.getMessage().contains("nope.pt"), e.getMessage());
        Path junk = Files.writeString(dir.resolve("junk.pt"), "not torchscript");
        IOException e2 = assertThrows(IOException.class, () -> new InceptionExtractor(junk));
        assertTrue(e2.getMessage().contains("junk.pt"), e2.getMessage());
    }
}
