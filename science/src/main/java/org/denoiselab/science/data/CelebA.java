package org.denoiselab.science.data;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;
import org.denoiselab.science.image.AreaResize;
import org.denoiselab.science.image.Pixels;

/**
 * CelebA aligned faces (img_align_celeba/*.jpg, 178 x 218): center square crop, area-averaged to
 * imageSize x imageSize, 3 channels, unlabelled. 200k images do not fit in memory, so only the sorted
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

    /** decodes, crops and resizes one file; an unreadable or non-JPEG file raises an error naming it */
    @Override
    public void read(int index, float[] dst, int offset) {
        Path file = files.get(Objects.checkIndex(index, files.size()));
        byte[] pixels;
        try {
            pixels = AreaResize.centerSquareRgb(decodeJpeg(file), imageSize);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (int i = 0; i < pixels.length; i++) {
            dst[offset + i] = Pixels.fromUint8(pixels[i]);
        }
    }

    static BufferedImage decodeJpeg(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        // a JPEG starts with the SOI marker FF D8 FF; checked here because ImageIO would happily decode a PNG
        if (bytes.length < 3 || (bytes[0] & 0xff) != 0xff || (bytes[1] & 0xff) != 0xd8 || (bytes[2] & 0xff) != 0xff) {
            throw new DataFormatException(
                    file,
                    "expected a JPEG image (starting with FF D8 FF), found " + bytes.length
                            + " bytes of something else");
        }
        Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName("jpeg");
        if (!readers.hasNext()) {
            throw new IllegalStateException("no JPEG decoder in this JVM");
        }
        ImageReader reader = readers.next();
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
            reader.setInput(in, true, true);
            return reader.read(0);
        } catch (IOException | RuntimeException e) {
            throw new DataFormatException(file, "expected a decodable JPEG image: " + e.getMessage(), e);
        } finally {
            reader.dispose();
        }
    }

    @Override
    public int label(int index) {
        Objects.checkIndex(index, files.size());
        return 0;
    }
}
