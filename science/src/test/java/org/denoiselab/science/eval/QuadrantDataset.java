package org.denoiselab.science.eval;

import java.util.Random;
import org.denoiselab.science.data.ImageDataset;

/** A small labelled test set: class k has a bright square in quadrant k of a noisy dark image. */
final class QuadrantDataset implements ImageDataset {
    private final int size;
    private final int side;
    private final float[] pixels;
    private final int[] labels;

    QuadrantDataset(int size, int side, long seed) {
        this.size = size;
        this.side = side;
        this.pixels = new float[size * side * side];
        this.labels = new int[size];
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
    }

    @Override
    public String name() {
        return "quadrants";
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public int channels() {
        return 1;
    }

    @Override
    public int height() {
        return side;
    }

    @Override
    public int width() {
        return side;
    }

    @Override
    public int numClasses() {
        return 4;
    }

    @Override
    public int label(int index) {
        return labels[index];
    }

    @Override
    public void read(int index, float[] dst, int offset) {
        System.arraycopy(pixels, index * side * side, dst, offset, side * side);
    }
}
