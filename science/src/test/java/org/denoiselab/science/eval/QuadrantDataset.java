package org.denoiselab.science.eval;

import java.util.Random;
import org.denoiselab.science.data.InMemoryImages;

/** A small labelled test set: class k has a bright square in quadrant k of a noisy dark image. */
final class QuadrantDataset {
    private QuadrantDataset() {}

    /** {@code size} images of 1 x side x side, labels i mod 4 */
    static InMemoryImages of(int size, int side, long seed) {
        float[] pixels = new float[size * side * side];
        int[] labels = new int[size];
        Random rnd = new Random(seed);
        int half = side / 2;
        for (int i = 0; i < size; i++) {
            int k = i % 4;
            labels[i] = k;
            for (int y = 0; y < side; y++) {
                for (int x = 0; x < side; x++) {
                    boolean lit = (y < half) == (k < 2) && (x < half) == (k % 2 == 0);
                    float v = (lit ? 0.6f : -0.6f) + 0.35f * (float) rnd.nextGaussian();
                    pixels[i * side * side + y * side + x] = Math.max(-1f, Math.min(1f, v));
                }
            }
        }
        return new InMemoryImages("quadrants", 1, side, side, 4, pixels, labels);
    }
}
