package org.denoiselab.science.data;

/**
 * Samples already in memory as floats: synthetic data for benchmarks and tests. Sample i is
 * {@code pixels[i * C*H*W .. (i + 1) * C*H*W)} in CHW order, scaled to [-1, 1], with label {@code labels[i]}.
 * The arrays are used as given, not copied.
 */
public record InMemoryImages(
        String name, int channels, int height, int width, int numClasses, float[] pixels, int[] labels)
        implements ImageDataset {
    /**
     * @throws IllegalArgumentException when the pixel count is not labels.length x C x H x W, or a label is
     *                                  outside 0 .. numClasses - 1
     */
    public InMemoryImages {
        long length = (long) channels * height * width;
        if (length <= 0 || pixels.length != labels.length * length) {
            throw new IllegalArgumentException(name + ": " + pixels.length + " pixels are not " + labels.length
                    + " samples of " + channels + "x" + height + "x" + width);
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= numClasses) {
                throw new IllegalArgumentException(
                        name + ": label " + labels[i] + " of sample " + i + " is outside 0.." + (numClasses - 1));
            }
        }
    }

    @Override
    public int size() {
        return labels.length;
    }

    @Override
    public void read(int index, float[] dst, int offset) {
        int length = sampleLength();
        System.arraycopy(pixels, index * length, dst, offset, length);
    }

    @Override
    public int label(int index) {
        return labels[index];
    }
}
