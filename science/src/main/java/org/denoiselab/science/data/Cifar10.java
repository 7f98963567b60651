package org.denoiselab.science.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.denoiselab.science.image.Pixels;

/**
 * CIFAR-10 from the official binary version: records of 1 label byte and 3072 pixel bytes (1024 R,
 * 1024 G, 1024 B, each a row-major 32 x 32 plane), which is already CHW order. 3 x 32 x 32, 10 classes.
 */
public final class Cifar10 implements ImageDataset {
    static final int SIDE = 32;
    static final int IMAGE_BYTES = 3 * SIDE * SIDE;
    static final int RECORD_BYTES = 1 + IMAGE_BYTES;
    static final int CLASSES = 10;
    static final List<String> TRAIN_FILES =
            List.of("data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin");
    static final List<String> TEST_FILES = List.of("test_batch.bin");
    /** the folder the official archive unpacks into */
    static final String ARCHIVE_FOLDER = "cifar-10-batches-bin";

    private final byte[] pixels;
    private final byte[] labels;
    private final int count;

    private Cifar10(byte[] pixels, byte[] labels, int count) {
        this.pixels = pixels;
        this.labels = labels;
        this.count = count;
    }

    /**
     * @param dir   the folder with the .bin files, or the folder that holds cifar-10-batches-bin/
     * @param train the five training batches (50000) or the test batch (10000)
     * @param limit keep only the first N records; 0 = all
     */
    public static Cifar10 load(Path dir, boolean train, int limit) throws IOException {
        if (limit < 0) {
            throw new IllegalArgumentException("limit must be >= 0, was " + limit);
        }
        if (!Files.isRegularFile(dir.resolve("data_batch_1.bin"))
                && !Files.isRegularFile(dir.resolve("test_batch.bin"))
                && Files.isDirectory(dir.resolve(ARCHIVE_FOLDER))) {
            dir = dir.resolve(ARCHIVE_FOLDER);
        }
        List<String> names = train ? TRAIN_FILES : TEST_FILES;
        // check every file first so that a missing batch is reported before minutes of reading
        List<Path> files = new ArrayList<>();
        long total = 0;
        for (String name : names) {
            Path file = dir.resolve(name);
            if (!Files.isRegularFile(file)) {
                throw new NoSuchFileException(
                        file.toString(),
                        null,
                        "missing CIFAR-10 batch (the " + (train ? "training split needs all of " : "test split needs ")
                                + String.join(", ", names) + ")");
            }
            long length = Files.size(file);
            if (length == 0 || length % RECORD_BYTES != 0) {
                throw new DataFormatException(
                        file,
                        "expected a length that is a positive multiple of " + RECORD_BYTES
                                + " bytes (1 label + 3072 pixels per record), found " + length);
            }
            files.add(file);
            total += length / RECORD_BYTES;
        }
        int kept = (int) (limit == 0 ? total : Math.min(limit, total));
        byte[] pixels = new byte[Math.multiplyExact(kept, IMAGE_BYTES)];
        byte[] labels = new byte[kept];
        byte[] record = new byte[RECORD_BYTES];
        int n = 0;
        for (Path file : files) {
            if (n == kept) {
                break;
            }
            int records = (int) (Files.size(file) / RECORD_BYTES);
            try (InputStream in = new java.io.BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
                for (int r = 0; r < records && n < kept; r++, n++) {
                    DataFiles.readFully(in, record, file, "bytes for record " + r);
                    int label = record[0] & 0xff;
                    if (label >= CLASSES) {
                        throw new DataFormatException(
                                file,
                                "expected a label 0.." + (CLASSES - 1) + " in record " + r + " (byte offset "
                                        + (long) r * RECORD_BYTES + "), found " + label);
                    }
                    labels[n] = (byte) label;
                    System.arraycopy(record, 1, pixels, n * IMAGE_BYTES, IMAGE_BYTES);
                }
            }
        }
        return new Cifar10(pixels, labels, kept);
    }

    @Override
    public String name() {
        return DatasetKind.CIFAR10.label();
    }

    @Override
    public int size() {
        return count;
    }

    @Override
    public int channels() {
        return 3;
    }

    @Override
    public int height() {
        return SIDE;
    }

    @Override
    public int width() {
        return SIDE;
    }

    @Override
    public int numClasses() {
        return CLASSES;
    }

    @Override
    public void read(int index, float[] dst, int offset) {
        int base = Objects.checkIndex(index, count) * IMAGE_BYTES;
        for (int i = 0; i < IMAGE_BYTES; i++) {
            dst[offset + i] = Pixels.fromUint8(pixels[base + i]);
        }
    }

    @Override
    public int label(int index) {
        return labels[Objects.checkIndex(index, count)];
    }
}
