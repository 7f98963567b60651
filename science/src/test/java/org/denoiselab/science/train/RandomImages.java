package org.denoiselab.science.train;

import java.util.Random;
import org.denoiselab.science.data.ImageDataset;

/** A seeded in-memory dataset of uniform-noise 1 x side x side images with labels i mod classes. */
final class RandomImages implements ImageDataset {
    private final int size;
    private final int side;
    private final int classes;
    private final float[] pixels;

    RandomImages(int size, int side, int classes, long seed) {
        this.size = size;
        this.side = side;
        this.classes = classes;
        this.pixels = new float[size * side * side];
        Random r = new Random(seed);
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = r.nextFloat() * 2 - 1;
        }
    }

    @Override
    public String name() {
        return "random-images";
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
        return classes;
    }

    @Override
    public void read(int index, float[] dst, int offset) {
        System.arraycopy(pixels, index * side * side, dst, offset, side * side);
    }

    @Override
    public int label(int index) {
        return index % classes;
    }
}
