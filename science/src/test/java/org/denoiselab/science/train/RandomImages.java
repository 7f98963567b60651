package org.denoiselab.science.train;

import java.util.Random;
import org.denoiselab.science.data.InMemoryImages;

/** Seeded uniform-noise images for tests. */
final class RandomImages {
    private RandomImages() {}

    /** {@code size} images of 1 x side x side uniform noise in [-1, 1), labels i mod classes */
    static InMemoryImages of(int size, int side, int classes, long seed) {
        float[] pixels = new float[size * side * side];
        Random r = new Random(seed);
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = r.nextFloat() * 2 - 1;
        }
        int[] labels = new int[size];
        for (int i = 0; i < size; i++) {
            labels[i] = i % classes;
        }
        return new InMemoryImages("random-images", 1, side, side, classes, pixels, labels);
    }
}
