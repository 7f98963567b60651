package org.denoiselab.science.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.stream.Stream;
import org.denoiselab.science.image.AdmCenterCrop;
import org.denoiselab.science.image.ImageFiles;
import org.denoiselab.science.image.Pixels;

/**
 * CelebA aligned faces (img_align_celeba/*.jpg, 178 x 218): read by {@link ImageFiles} as RGB, then ADM's
 * center crop to imageSize x imageSize ({@link AdmCenterCrop}: box halving, bicubic resize, centre square),
 * 3 channels, unlabelled. 200k images do not fit in memory, so only the sorted
 * file list is held and each image is decoded in {@link #read} (the batch loader overlaps that with training).
 */
public final class CelebA implements ImageDataset {
    public static final int DEFAULT_IMAGE_SIZE = 128;
    /** the folder the official aligned archive unpacks into */
    static final String IMAGE_FOLDER = "img_align_celeba";

    private final List<Path> files;
    private final int imageSize;

    private CelebA(List<Path> files, int imageSize) {
        this.files = files;
        this.imageSize = imageSize;
    }

    /**
     * @param dir       the folder of .jpg files, or the folder that holds img_align_celeba/
     * @param imageSize output side (0 = {@link #DEFAULT_IMAGE_SIZE})
     * @param limit     keep only the first N files in name order; 0 = all
     */
    public static CelebA open(Path dir, int imageSize, int limit) throws IOException {
        if (limit < 0 || imageSize < 0) {
            throw new IllegalArgumentException("limit and imageSize must be >= 0, were " + limit + ", " + imageSize);
        }
        if (Files.isDirectory(dir.resolve(IMAGE_FOLDER))) {
            dir = dir.resolve(IMAGE_FOLDER);
        }
        if (!Files.isDirectory(dir)) {
            throw new NoSuchFileException(dir.toString(), null, "missing CelebA folder of aligned .jpg images");
        }
        List<Path> files;
        try (Stream<Path> listing = Files.list(dir)) {
            Stream<Path> jpegs = listing.filter(CelebA::isJpegName)
                    .filter(Files::isRegularFile)
                    .sorted();
            files = (limit > 0 ? jpegs.limit(limit) : jpegs).toList();
        }
        if (files.isEmpty()) {
            throw new DataFormatException(dir, "expected CelebA .jpg images (img_align_celeba/*.jpg), found none");
        }
        return new CelebA(files, imageSize == 0 ? DEFAULT_IMAGE_SIZE : imageSize);
    }

    private static boolean isJpegName(Path p) {
        String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
        return n.endsWith(".jpg") || n.endsWith(".jpeg");
    }

    /** the file behind sample {@code index} (for reports and error messages) */
    public Path file(int index) {
        return files.get(index);
    }

    @Override
    public String name() {
        return DatasetKind.CELEBA.label();
    }

    @Override
    public int size() {
        return files.size();
    }

    @Override
    public int channels() {
        return 3;
    }

    @Override
    public int height() {
        return imageSize;
    }

    @Override
    public int width() {
        return imageSize;
    }

    @Override
    public int numClasses() {
        return 1;
    }

    /** decodes, crops and resizes one file; an unreadable file raises an error naming it */
    @Override
    public void read(int index, float[] dst, int offset) {
        Path file = files.get(Objects.checkIndex(index, files.size()));
        readCropped(file, imageSize, dst, offset);
    }

    /**
     * One image file as RGB, ADM-center-cropped to size x size, into dst as [-1, 1] floats (CHW).
     *
     * @throws UncheckedIOException wrapping a {@link DataFormatException} that names the file
     */
    static void readCropped(Path file, int size, float[] dst, int offset) {
        byte[] pixels;
        try {
            pixels = AdmCenterCrop.apply(ImageFiles.read(file, 3), size).data();
        } catch (DataFormatException e) {
            throw new UncheckedIOException(e);
        } catch (IOException e) {
            String m = e.getMessage() == null ? "" : e.getMessage();
            String prefix = file + ": ";
            throw new UncheckedIOException(
                    new DataFormatException(file, m.startsWith(prefix) ? m.substring(prefix.length()) : m, e));
        }
        for (int i = 0; i < pixels.length; i++) {
            dst[offset + i] = Pixels.fromUint8(pixels[i]);
        }
    }

    @Override
    public int label(int index) {
        Objects.checkIndex(index, files.size());
        return 0;
    }
}
