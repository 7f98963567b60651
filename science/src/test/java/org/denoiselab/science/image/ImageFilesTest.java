package org.denoiselab.science.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.denoiselab.science.eval.Npy;
import org.denoiselab.science.eval.Npz;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every PNG colour type and bit depth and JPEG grey / RGB / CMYK, decoded and converted to grey and RGB, against
 * what Pillow gives for the same files (fixtures and values from src/test/python/make_image_fixtures.py).
 */
class ImageFilesTest {
    @TempDir
    Path dir;

    static Path fixtures() throws URISyntaxException {
        return Path.of(ImageFilesTest.class.getResource("/images/expected.npz").toURI())
                .getParent();
    }

    static Map<String, Npy.Array> expected() throws Exception {
        return Npz.read(fixtures().resolve("expected.npz"));
    }

    static Stream<String> pngs() throws Exception {
        return expected().keySet().stream()
                .filter(k -> k.startsWith("png") && k.endsWith(".L"))
                .map(k -> k.substring(0, k.length() - 2));
    }

    static Stream<String> jpegs() throws Exception {
        return expected().keySet().stream()
                .filter(k -> k.startsWith("jpeg") && k.endsWith(".L"))
                .map(k -> k.substring(0, k.length() - 2));
    }

    /** Pillow's H x W (x 3) array as CHW bytes */
    static byte[] chw(Npy.Array a) {
        long[] s = a.shape();
        if (s.length == 2) {
            return a.data();
        }
        int h = (int) s[0];
        int w = (int) s[1];
        byte[] out = new byte[3 * h * w];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                for (int c = 0; c < 3; c++) {
                    out[(c * h + y) * w + x] = a.data()[(y * w + x) * 3 + c];
                }
            }
        }
        return out;
    }

    @ParameterizedTest
    @MethodSource("pngs")
    void everyPngLayoutDecodesToPillowsValuesExactly(String name) throws Exception {
        Map<String, Npy.Array> want = expected();
        Path file = fixtures().resolve(name + ".png");
        ImageFiles.UInt8Image grey = ImageFiles.read(file, 1);
        ImageFiles.UInt8Image rgb = ImageFiles.read(file, 3);
        assertEquals(9, grey.height());
        assertEquals(13, grey.width());
        assertArrayEquals(chw(want.get(name + ".L")), grey.data(), name + " as L");
        assertArrayEquals(chw(want.get(name + ".RGB")), rgb.data(), name + " as RGB");
    }

    @ParameterizedTest
    @MethodSource("jpegs")
    void jpegsDecodeToPillowsValuesWithinTheDecodersRounding(String name) throws Exception {
        Map<String, Npy.Array> want = expected();
        Path file = fixtures().resolve(name + ".jpg");
        for (String mode : new String[] {"L", "RGB"}) {
            ImageFiles.UInt8Image got = ImageFiles.read(file, mode.equals("L") ? 1 : 3);
            byte[] ref = chw(want.get(name + "." + mode));
            assertEquals(ref.length, got.data().length);
            int max = 0;
            double sum = 0;
            for (int i = 0; i < ref.length; i++) {
                int d = Math.abs((ref[i] & 0xff) - (got.data()[i] & 0xff));
                max = Math.max(max, d);
                sum += d;
            }
            // both run libjpeg's IDCT and upsampling; what differs is rounding, a level or two at most
            assertTrue(
                    max <= 3 && sum / ref.length < 0.5,
                    name + " " + mode + ": max " + max + ", mean " + sum / ref.length);
        }
    }

    @Test
    void nativeChannelsAreGreyForGreyFilesAndRgbForColour() throws Exception {
        Path f = fixtures();
        assertEquals(1, ImageFiles.read(f.resolve("png-grey4.png")).channels());
        assertEquals(1, ImageFiles.read(f.resolve("png-greyalpha16.png")).channels());
        assertEquals(1, ImageFiles.read(f.resolve("png-palette8-grey.png")).channels(), "a grey palette is grey");
        assertEquals(1, ImageFiles.read(f.resolve("jpeg-grey.jpg")).channels());
        assertEquals(3, ImageFiles.read(f.resolve("png-palette8.png")).channels());
        assertEquals(3, ImageFiles.read(f.resolve("png-rgba16.png")).channels());
        assertEquals(3, ImageFiles.read(f.resolve("jpeg-cmyk.jpg")).channels());
    }

    @Test
    void lumaIsPillowsFixedPointItuR601() {
        assertEquals(0, ImageFiles.luma(0, 0, 0));
        assertEquals(255, ImageFiles.luma(255, 255, 255));
        for (int v = 0; v < 256; v++) {
            assertEquals(v, ImageFiles.luma(v, v, v), "grey stays grey");
        }
        assertEquals(76, ImageFiles.luma(255, 0, 0)); // 255 * 0.299 = 76.2
        assertEquals(150, ImageFiles.luma(0, 255, 0)); // 149.7
        assertEquals(29, ImageFiles.luma(0, 0, 255)); // 29.1
    }

    @Test
    void badFilesAreNamed() throws IOException {
        Path text = Files.writeString(dir.resolve("notes.png"), "not an image");
        IOException e = assertThrows(IOException.class, () -> ImageFiles.read(text));
        assertTrue(
                e.getMessage().contains("notes.png") && e.getMessage().contains("not a PNG or JPEG"), e.getMessage());
        byte[] png = Files.readAllBytes(Path.of("src/test/resources/images/png-rgb8.png"));
        Path cut = Files.write(dir.resolve("cut.png"), java.util.Arrays.copyOf(png, png.length / 2));
        e = assertThrows(IOException.class, () -> ImageFiles.read(cut));
        assertTrue(e.getMessage().contains("cut.png"), e.getMessage());
        e = assertThrows(IOException.class, () -> ImageFiles.read(dir.resolve("missing.jpg")));
        assertTrue(e.getMessage().contains("missing.jpg"), e.getMessage());
    }

    @Test
    void listsPngAndJpegFilesInNameOrder() throws Exception {
        Files.createFile(dir.resolve("b.JPG"));
        Files.createFile(dir.resolve("a.png"));
        Files.createFile(dir.resolve("c.jpeg"));
        Files.createFile(dir.resolve("notes.txt"));
        Files.createDirectory(dir.resolve("d.png"));
        assertEquals(
                java.util.List.of(dir.resolve("a.png"), dir.resolve("b.JPG"), dir.resolve("c.jpeg")),
                ImageFiles.list(dir));
    }
}
