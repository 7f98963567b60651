package org.denoiselab.science.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * What the evaluator refuses before computing anything, with a stand-in extractor (the refusals are the
 * evaluator's, not the network's): fewer than 2 images, and features that are not finite.
 */
class EvaluatorRefusalsTest {
    /** a 4-d feature per image: its first pixels, or NaN from image {@code nanFrom} on */
    static FeatureExtractor firstPixels(int nanFrom) {
        return new FeatureExtractor() {
            @Override
            public String name() {
                return "pixels";
            }

            @Override
            public int featureDim() {
                return 4;
            }

            @Override
            public int numClasses() {
                return 2;
            }

            @Override
            public Features extract(byte[] images, int n, int channels, int height, int width, boolean withLogits) {
                float[] f = new float[n * 4];
                int sample = channels * height * width;
                for (int i = 0; i < n; i++) {
                    for (int j = 0; j < 4; j++) {
                        f[i * 4 + j] = i >= nanFrom ? Float.NaN : images[i * sample + j] & 0xff;
                    }
                }
                float[] logits = withLogits ? new float[n * 2] : null;
                return new Features(n, f, logits);
            }

            @Override
            public void close() {}
        };
    }

    @Test
    void oneImageHasNoCovariance() {
        ImageSource one = ImageSource.ofBytes(new byte[16], 1, 1, 4, 4, "one.npy");
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> Evaluator.statistics(one, firstPixels(99)));
        assertTrue(e.getMessage().startsWith("one.npy: 1 image(s)"), e.getMessage());
    }

    @Test
    void nonFiniteFeaturesNameTheImagesAndTheImage() {
        byte[] data = new byte[3 * 16];
        Arrays.fill(data, (byte) 7);
        ImageSource three = ImageSource.ofBytes(data, 3, 1, 4, 4, "batch.npy");
        Npy.NonFiniteException e =
                assertThrows(Npy.NonFiniteException.class, () -> Evaluator.statistics(three, firstPixels(2)));
        assertEquals("batch.npy: the pixels extractor's features of image 2 hold NaN", e.getMessage());
    }

    @Test
    void fewerSamplesThanDimensionsWarnsOnly() {
        assertEquals(1, Evaluator.sizeWarnings(4, 4).size());
        assertTrue(Evaluator.sizeWarnings(5, 4).isEmpty());
        assertTrue(
                Evaluator.sizeWarnings(3, 4).get(0).contains("rank <= 2"),
                Evaluator.sizeWarnings(3, 4).get(0));
    }
}
