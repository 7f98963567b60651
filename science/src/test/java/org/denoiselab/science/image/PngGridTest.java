package org.denoiselab.science.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PngGridTest {
    @TempDir
    Path dir;

    static float[] randomImages(int n, int c, int h, int w, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] x = new float[n * c * h * w];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (random.nextDouble() * 2.4 - 1.2); // a little outside [-1, 1] to exercise clamping
        }
        return x;
    }

    private static void assertGridHolds(ImageFiles.UInt8Image grid, float[] x, int n, int c, int h, int w, int cols) {
        int pad = PngGrid.PADDING;
        for (int k = 0; k < n; k++) {
            int x0 = pad + (k % cols) * (w + pad);
            int y0 = pad + (k / cols) * (h + pad);
            for (int ch = 0; ch < c; ch++) {
                for (int y = 0; y < h; y++) {
                    for (int xx = 0; xx < w; xx++) {
                        int expected = Pixels.toUint8(x[((k * c + ch) * h + y) * w + xx]);
                        assertEquals(
                                expected,
                                grid.at(ch, y0 + y, x0 + xx),
                                "image " + k + " c" + ch + " (" + y + "," + xx + ")");
                    }
                }
            }
        }
        for (int ch = 0; ch < c; ch++) { // padding row and column are black
            assertEquals(0, grid.at(ch, 0, 5));
            assertEquals(0, grid.at(ch, 5, 1));
        }
    }

    @Test
    void rgbGridHasPaddedSizeAndRoundTripsThroughPng() throws IOException {
        int n = 7;
        int cols = 3;
        float[] x = randomImages(n, 3, 8, 10, 1);
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        PngGrid.write(x, n, 3, 8, 10, cols, png);
        BufferedImage back = ImageIO.read(new ByteArrayInputStream(png.toByteArray()));
        assertEquals(cols * (10 + 2) + 2, back.getWidth());
        assertEquals(3 * (8 + 2) + 2, back.getHeight(), "7 images in 3 columns take 3 rows");
        Path file = Files.write(dir.resolve("rgb.png"), png.toByteArray());
        ImageFiles.UInt8Image grid = ImageFiles.read(file);
        assertEquals(3, grid.channels());
        assertGridHolds(grid, x, n, 3, 8, 10, cols);
    }

    @Test
    void grayGridReadsBackFromAFileExactly() throws IOException {
        int n = 4;
        float[] x = randomImages(n, 1, 28, 28, 2);
        x[0] = -1f;
        x[1] = 1f;
        x[2] = Float.NaN;
        Path file = dir.resolve("grid.png");
        try (OutputStream out = Files.newOutputStream(file)) {
            PngGrid.write(x, n, 1, 28, 28, 2, out);
        }
        ImageFiles.UInt8Image grid = ImageFiles.read(file);
        assertEquals(1, grid.channels());
        assertEquals(2 * 30 + 2, grid.width());
        assertEquals(2 * 30 + 2, grid.height());
        assertGridHolds(grid, x, n, 1, 28, 28, 2);
        assertEquals(0, grid.at(0, 2, 2));
        assertEquals(255, grid.at(0, 2, 3));
        assertEquals(0, grid.at(0, 2, 4), "NaN is drawn black");
        assertEquals(List.of(file), ImageFiles.list(dir));
    }

    @Test
    void rejectsBadShapes() {
        assertThrows(IllegalArgumentException.class, () -> PngGrid.render(new float[2 * 4], 1, 2, 2, 2, 1));
        assertThrows(IllegalArgumentException.class, () -> PngGrid.render(new float[3], 1, 1, 2, 2, 1));
    }

    @Test
    void unreadableFileIsNamed() throws IOException {
        Path bogus = Files.writeString(dir.resolve("bogus.png"), "not a png");
        IOException e = assertThrows(IOException.class, () -> ImageFiles.read(bogus));
        assertTrue(e.getMessage().contains("bogus.png"), e.getMessage());
    }
}
