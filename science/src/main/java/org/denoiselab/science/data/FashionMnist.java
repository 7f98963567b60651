package org.denoiselab.science.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.denoiselab.science.image.Pixels;

/**
 * Fashion-MNIST from its IDX files (gzipped as distributed, or un-gzipped): 1 x 28 x 28, 10 classes.
 * The raw bytes stay in memory (47 MB for the training set) and are scaled to [-1, 1] in {@link #read}.
 */
public final class FashionMnist implements ImageDataset {
    /** where Debian's dataset-fashion-mnist package puts the four files */
    public static final Path DEFAULT_DIR = Path.of("/usr/share/datasets/fashion-mnist");

    static final int IMAGE_MAGIC = 2051;
    static final int LABEL_MAGIC = 2049;
    static final int CLASSES = 10;

    private final int rows;
    private final int cols;
    private final byte[] pixels;
    private final byte[] labels;
    private final int count;

    private FashionMnist(int rows, int cols, byte[] pixels, byte[] labels, int count) {
        this.rows = rows;
        this.cols = cols;
        this.pixels = pixels;
        this.labels = labels;
        this.count = count;
    }

    /**
     * @param dir   folder holding train-images-idx3-ubyte[.gz] etc.
     * @param train training split (60000) or test split (10000)
     * @param limit keep only the first N samples; 0 = all
     */
    public static FashionMnist load(Path dir, boolean train, int limit) throws IOException {
        if (limit < 0) {
            throw new IllegalArgumentException("limit must be >= 0, was " + limit);
        }
        String prefix = train ? "train" : "t10k";
        Path imageFile = locate(dir, prefix + "-images-idx3-ubyte");
        Path labelFile = locate(dir, prefix + "-labels-idx1-ubyte");

        int rows;
        int cols;
        int count;
        byte[] pixels;
        try (InputStream in = DataFiles.openMaybeGzip(imageFile)) {
            int magic = DataFiles.readIntBigEndian(in, imageFile, "magic");
            if (magic != IMAGE_MAGIC) {
                throw new DataFormatException(
                        imageFile, "expected IDX image magic " + IMAGE_MAGIC + ", found " + magic);
            }
            count = DataFiles.readIntBigEndian(in, imageFile, "image count");
            rows = DataFiles.readIntBigEndian(in, imageFile, "rows");
            cols = DataFiles.readIntBigEndian(in, imageFile, "columns");
            if (rows != 28 || cols != 28 || count <= 0) {
                throw new DataFormatException(
                        imageFile,
                        "expected N x 28 x 28 images with N > 0, found " + count + " x " + rows + " x " + cols);
            }
            // every image is read (not just the first `limit`) so that a truncated file is always noticed
            pixels = new byte[Math.multiplyExact(count, rows * cols)];
            DataFiles.readFully(in, pixels, imageFile, "image bytes");
        }
        byte[] labels;
        try (InputStream in = DataFiles.openMaybeGzip(labelFile)) {
            int magic = DataFiles.readIntBigEndian(in, labelFile, "magic");
            if (magic != LABEL_MAGIC) {
                throw new DataFormatException(
                        labelFile, "expected IDX label magic " + LABEL_MAGIC + ", found " + magic);
            }
            int labelCount = DataFiles.readIntBigEndian(in, labelFile, "label count");
            if (labelCount != count) {
                throw new DataFormatException(
                        labelFile,
                        "expected " + count + " labels (as many as images in " + imageFile.getFileName()
                                + "), found a header count of " + labelCount);
            }
            labels = new byte[count];
            DataFiles.readFully(in, labels, labelFile, "label bytes");
        }
        for (int i = 0; i < count; i++) {
            if ((labels[i] & 0xff) >= CLASSES) {
                throw new DataFormatException(
                        labelFile,
                        "expected labels 0.." + (CLASSES - 1) + ", found " + (labels[i] & 0xff) + " at index " + i);
            }
        }
        int kept = limit == 0 ? count : Math.min(limit, count);
        if (kept < count) {
            pixels = Arrays.copyOf(pixels, kept * rows * cols);
            labels = Arrays.copyOf(labels, kept);
        }
        return new FashionMnist(rows, cols, pixels, labels, kept);
    }

    /** the gzipped name as distributed, else the un-gzipped one */
    private static Path locate(Path dir, String baseName) throws IOException {
        Path gz = dir.resolve(baseName + ".gz");
        if (Files.isRegularFile(gz)) {
            return gz;
        }
        Path plain = dir.resolve(baseName);
        if (Files.isRegularFile(plain)) {
            return plain;
        }
        throw new java.nio.file.NoSuchFileException(
                gz.toString(), null, "missing Fashion-MNIST file (also looked for " + plain.getFileName() + ")");
    }

    @Override
    public String name() {
        return DatasetKind.FMNIST.label();
    }

    @Override
    public int size() {
        return count;
    }

    @Override
    public int channels() {
        return 1;
    }

    @Override
    public int height() {
        return rows;
    }

    @Override
    public int width() {
        return cols;
    }

    @Override
    public int numClasses() {
        return CLASSES;
    }

    @Override
    public void read(int index, float[] dst, int offset) {
        int n = rows * cols;
        int base = Math.multiplyExact(java.util.Objects.checkIndex(index, count), n);
        for (int i = 0; i < n; i++) {
            dst[offset + i] = Pixels.fromUint8(pixels[base + i]);
        }
    }

    @Override
    public int label(int index) {
        return labels[java.util.Objects.checkIndex(index, count)];
    }
}
