package org.denoiselab.science.data;

import org.denoiselab.science.spec.Choice;

/**
 * The kinds of data a run trains on, each with the shape of its samples and its classes, known from
 * the kind alone (no data is read). {@link Datasets#open} reads each.
 */
public enum DatasetKind implements Choice {
    /** the paper's toy study: a 2-D spiral embedded in D dimensions (samples 1 x 1 x D, one class) */
    TOY(1, 0, 1, false),
    /** Fashion-MNIST, 28 x 28 grey, 10 classes (Debian's dataset-fashion-mnist by default) */
    FMNIST(1, 28, 10, false),
    /** CIFAR-10 binary batches, 32 x 32 RGB, 10 classes */
    CIFAR10(3, 32, 10, true),
    /** CelebA aligned JPEGs, ADM center crop to imageSize (default 128), unconditional */
    CELEBA(3, 0, 1, true),
    /**
     * A researcher's own images as torchvision's ImageFolder (one sub-folder per class, PNG or JPEG), ADM
     * center crop to imageSize (default 64), RGB; the classes are known only from the data
     * ({@link SampleShape#numClasses()} is 0: {@link ImageFolder} counts the folders)
     */
    IMAGEFOLDER(3, 0, 0, true);

    /** the side CelebA is resized to when a request gives no imageSize */
    public static final int CELEBA_DEFAULT_SIDE = 128;

    /** the side an image folder is resized to when a request gives no imageSize */
    public static final int IMAGEFOLDER_DEFAULT_SIDE = ImageFolder.DEFAULT_IMAGE_SIZE;

    private final int channels;
    private final int nativeSide;
    private final int numClasses;
    private final boolean needsLocation;

    DatasetKind(int channels, int nativeSide, int numClasses, boolean needsLocation) {
        this.channels = channels;
        this.nativeSide = nativeSide;
        this.numClasses = numClasses;
        this.needsLocation = needsLocation;
    }

    @Override
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** Shape of one sample and the number of classes (0 = known only from the data: imagefolder). */
    public record SampleShape(int channels, int height, int width, int numClasses) {}

    /**
     * @param imageSize requested side in pixels (celeba, imagefolder; 0 = the kind's default), ignored by
     *                  fixed-size kinds
     * @param toyDim    D of the toy manifold (toy only)
     */
    public SampleShape shape(int imageSize, int toyDim) {
        return switch (this) {
            case TOY -> new SampleShape(1, 1, toyDim, numClasses);
            case CELEBA -> {
                int side = imageSize == 0 ? CELEBA_DEFAULT_SIDE : imageSize;
                yield new SampleShape(channels, side, side, numClasses);
            }
            case IMAGEFOLDER -> {
                int side = imageSize == 0 ? IMAGEFOLDER_DEFAULT_SIDE : imageSize;
                yield new SampleShape(channels, side, side, numClasses);
            }
            default -> new SampleShape(channels, nativeSide, nativeSide, numClasses);
        };
    }

    /**
     * the fixed side of its images (28, 32), or 0 when the request chooses it (celeba, imagefolder) or there is
     * none (toy)
     */
    public int nativeSide() {
        return nativeSide;
    }

    /** true for images (every kind but the toy) */
    public boolean isImage() {
        return this != TOY;
    }

    /** true when the request chooses the image side (dataset.imageSize): celeba and imagefolder */
    public boolean resizable() {
        return this == CELEBA || this == IMAGEFOLDER;
    }

    /** true when the request must say where the data is (no default location exists) */
    public boolean needsLocation() {
        return needsLocation;
    }
}
