package org.denoiselab.science.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import org.denoiselab.science.image.Pixels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CelebATest {
    static final int W = 178;
    static final int H = 218;
    static final int BAND = (H - W) / 2; // rows cut away at top and bottom by the center crop

    @TempDir
    Path root;

    /** red bands above and below the central square; inside it four gray quadrants 0 / 255 / 128 / 64 (+ shade) */
    static BufferedImage face(int shade) {
        BufferedImage img = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < H; y++) {
            for (int x = 0; x < W; x++) {
                int rgb;
                if (y < BAND || y >= BAND + W) {
                    rgb = 0xff0000;
                } else {
                    boolean top = y - BAND < W / 2;
                    boolean left = x < W / 2;
                    int g = (top ? (left ? 0 : 255) : (left ? 128 : 64));
                    g = Math.min(255, g + (top && !left ? 0 : shade));
                    rgb = (g << 16) | (g << 8) | g;
                }
                img.setRGB(x, y, rgb);
            }
        }
        return img;
    }

    static void writeJpeg(BufferedImage img, Path file) throws IOException {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ImageWriteParam param = writer.getDefaultWriteParam();
        param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
        param.setCompressionQuality(0.95f);
        try (OutputStream out = Files.newOutputStream(file);
                ImageOutputStream ios = ImageIO.createImageOutputStream(out)) {
            writer.setOutput(ios);
            writer.write(null, new IIOImage(img, null, null), param);
        } finally {
            writer.dispose();
        }
    }

    private Path folderWithFaces(int n) throws IOException {
        Path dir = Files.createDirectories(root.resolve(CelebA.IMAGE_FOLDER));
        for (int i = n; i >= 1; i--) { // written in reverse to check the sorting
            writeJpeg(face(4 * i), dir.resolve(String.format("%06d.jpg", i)));
        }
        Files.writeString(dir.resolve("README.txt"), "not an image, ignored");
        return dir;
    }

    @Test
    void cropsCenterSquareAndResizes() throws IOException {
        folderWithFaces(3);
        CelebA data = CelebA.open(root, 32, 0);
        assertEquals(3, data.size());
        assertEquals(3, data.channels());
        assertEquals(32, data.height());
        assertEquals(32, data.width());
        assertEquals(1, data.numClasses());
        assertEquals("000001.jpg", data.file(0).getFileName().toString());
        assertEquals("000003.jpg", data.file(2).getFileName().toString());
        float[] img = new float[3 * 32 * 32 + 5];
        data.read(0, img, 5);
        int shade = 4;
        int[][] quadrant = {{0 + shade, 255}, {128 + shade, 64 + shade}};
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < 32; y++) {
                for (int x = 0; x < 32; x++) {
                    float v = img[5 + (c * 32 + y) * 32 + x];
                    assertTrue(v >= -1f && v <= 1f);
                    if (Math.abs(y - 15.5) < 2 || Math.abs(x - 15.5) < 2) {
                        continue; // averaged across a quadrant edge
                    }
                    if (y < 2 || y > 29) {
                        continue; // ADM crops the resized 32 x 39 picture: its first and last rows touch the bands
                    }
                    int expected = quadrant[y < 16 ? 0 : 1][x < 16 ? 0 : 1];
                    // a red band leaking in (wrong crop) would push R up and G, B down by far more than 10
                    assertEquals(expected, Pixels.toUint8(v), 10, "c=" + c + " y=" + y + " x=" + x);
                }
            }
        }
        assertEquals(0, data.label(2));
    }

    @Test
    void atNativeCropSizeValuesEqualTheDecodedBytes() throws IOException {
        Path dir = folderWithFaces(1);
        CelebA data = CelebA.open(dir, W, 0);
        float[] img = new float[3 * W * W];
        data.read(0, img, 0);
        BufferedImage decoded = ImageIO.read(dir.resolve("000001.jpg").toFile());
        for (int y = 0; y < W; y++) {
            for (int x = 0; x < W; x++) {
                int rgb = decoded.getRGB(x, y + BAND);
                assertEquals(Pixels.fromUint8(rgb >>> 16), img[(0 * W + y) * W + x], 0f);
                assertEquals(Pixels.fromUint8(rgb >>> 8), img[(1 * W + y) * W + x], 0f);
                assertEquals(Pixels.fromUint8(rgb), img[(2 * W + y) * W + x], 0f);
            }
        }
    }

    @Test
    void defaultSizeAndLimit() throws IOException {
        Path dir = folderWithFaces(3);
        CelebA data = CelebA.open(dir, 0, 2);
        assertEquals(2, data.size());
        assertEquals(CelebA.DEFAULT_IMAGE_SIZE, data.height());
        float[] img = new float[data.sampleLength()];
        data.read(1, img, 0);
    }

    @Test
    void corruptFilesAreNamedWhenReadAndAPngNamedJpgReadsAsPillowWould() throws IOException {
        Path dir = folderWithFaces(1);
        Path png = dir.resolve("000002.jpg");
        ImageIO.write(face(0), "png", png.toFile());
        Path corrupt = dir.resolve("000003.jpg");
        byte[] jpeg = Files.readAllBytes(dir.resolve("000001.jpg"));
        byte[] cut = java.util.Arrays.copyOf(jpeg, 40); // SOI present, then cut inside the headers
        Files.write(corrupt, cut);
        CelebA data = CelebA.open(dir, 32, 0);
        assertEquals(3, data.size());
        float[] img = new float[data.sampleLength()];
        data.read(1, img, 0); // the content decides, not the name, as in Pillow
        UncheckedIOException broken = assertThrows(UncheckedIOException.class, () -> data.read(2, img, 0));
        assertInstanceOf(DataFormatException.class, broken.getCause());
        assertTrue(broken.getMessage().contains("000003.jpg"), broken.getMessage());
    }

    @Test
    void emptyOrMissingFolderIsAnError() throws IOException {
        Path empty = Files.createDirectories(root.resolve("empty"));
        DataFormatException e = assertThrows(DataFormatException.class, () -> CelebA.open(empty, 64, 0));
        assertTrue(e.getMessage().contains("empty") && e.getMessage().contains("found none"), e.getMessage());
        NoSuchFileException missing =
                assertThrows(NoSuchFileException.class, () -> CelebA.open(root.resolve("nope"), 64, 0));
        assertTrue(missing.getMessage().contains("nope"), missing.getMessage());
    }
}
