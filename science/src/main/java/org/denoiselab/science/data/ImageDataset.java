package org.denoiselab.science.data;

/**
 * A labelled dataset of C x H x W samples scaled to [-1, 1]. Readers may hold everything in memory
 * (Fashion-MNIST, CIFAR-10, toy) or decode on demand (CelebA); callers only see this interface.
 * The toy manifold is a dataset of 1 x 1 x D "images".
 */
public interface ImageDataset {
    /** a short name used in object keys and reports, e.g. "fmnist" */
    String name();

    int size();

    int channels();

    int height();

    int width();

    /** number of real classes (the model adds one null class); 1 for unlabelled data */
    int numClasses();

    /** writes sample {@code index} (C*H*W floats, CHW order, in [-1, 1]) into dst at offset */
    void read(int index, float[] dst, int offset);

    int label(int index);

    default int sampleLength() {
        return channels() * height() * width();
    }
}
