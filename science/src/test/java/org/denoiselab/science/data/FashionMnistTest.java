package org.denoiselab.science.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.denoiselab.science.image.Pixels;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FashionMnistTest {
    static final int N = 5;
    static final int PIXELS = 28 * 28;

    @TempDir
    Path dir;

    /** image i has pixel p = (i * 31 + p) mod 256, label i mod 10 */
    static byte[] imageBytes(int n) {
        byte[] b = new byte[n * PIXELS];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) ((i / PIXELS) * 31 + i % PIXELS);
        }
        return b;
    }

    static byte[] imageFile(int magic, int n, int rows, int cols, byte[] pixels) {
        return ByteBuffer.allocate(16 + pixels.length)
                .putInt(magic)
                .putInt(n)
                .putInt(rows)
                .putInt(cols)
                .put(pixels)
                .array();
    }

    static byte[] labelFile(int n, int mod) {
        ByteBuffer buf = ByteBuffer.allocate(8 + n).putInt(2049).putInt(n);
        for (int i = 0; i < n; i++) {
            buf.put((byte) (i % mod));
        }
        return buf.array();
    }

    static void write(Path file, byte[] content, boolean gzip) throws IOException {
        if (!gzip) {
            Files.write(file, content);
            return;
        }
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
            out.write(content);
        }
    }

    private void writeSet(String prefix, boolean gzip) throws IOException {
        String ext = gzip ? ".gz" : "";
        write(dir.resolve(prefix + "-images-idx3-ubyte" + ext), imageFile(2051, N, 28, 28, imageBytes(N)), gzip);
        write(dir.resolve(prefix + "-labels-idx1-ubyte" + ext), labelFile(N, 10), gzip);
    }

    private static void assertMatchesBytes(FashionMnist data, int n) {
        byte[] expected = imageBytes(n);
        float[] dst = new float[PIXELS + 3];
        for (int i = 0; i < n; i++) {
            data.read(i, dst, 3);
            for (int p = 0; p < PIXELS; p++) {
                float v = dst[3 + p];
                assertTrue(v >= -1f && v <= 1f);
                assertEquals(Pixels.fromUint8(expected[i * PIXELS + p]), v, 0f);
                assertEquals(expected[i * PIXELS + p] & 0xff, Pixels.toUint8(v));
            }
            assertEquals(i % 10, data.label(i));
        }
    }

    @Test
    void readsGzippedTrainSplit() throws IOException {
        writeSet("train", true);
        FashionMnist data = FashionMnist.load(dir, true, 0);
        assertEquals(N, data.size());
        assertEquals(1, data.channels());
        assertEquals(28, data.height());
        assertEquals(28, data.width());
        assertEquals(10, data.numClasses());
        assertMatchesBytes(data, N);
    }

    @Test
    void readsUncompressedTestSplitWithLimit() throws IOException {
        writeSet("t10k", false);
        FashionMnist data = FashionMnist.load(dir, false, 3);
        assertEquals(3, data.size());
        assertMatchesBytes(data, 3);
        assertThrows(IndexOutOfBoundsException.class, () -> data.label(3));
    }

    @Test
    void truncatedImageFileNamesFileAndExpectedBytes() throws IOException {
        byte[] full = imageFile(2051, N, 28, 28, imageBytes(N));
        write(dir.resolve("train-images-idx3-ubyte.gz"), Arrays.copyOf(full, 16 + 1200), true);
        write(dir.resolve("train-labels-idx1-ubyte.gz"), labelFile(N, 10), true);
        IOException e = assertThrows(IOException.class, () -> FashionMnist.load(dir, true, 0));
        assertTrue(e.getMessage().contains("train-images-idx3-ubyte.gz"), e.getMessage());
        assertTrue(e.getMessage().contains("expected " + N * PIXELS + " image bytes, found 1200"), e.getMessage());
    }

    @Test
    void gzipCutShortIsReportedAsCorrupt() throws IOException {
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (OutputStream out = new GZIPOutputStream(gz)) {
            out.write(imageFile(2051, N, 28, 28, imageBytes(N)));
        }
        byte[] cut = Arrays.copyOf(gz.toByteArray(), gz.size() / 2);
        Files.write(dir.resolve("train-images-idx3-ubyte.gz"), cut);
        write(dir.resolve("train-labels-idx1-ubyte.gz"), labelFile(N, 10), true);
        IOException e = assertThrows(IOException.class, () -> FashionMnist.load(dir, true, 0));
        assertTrue(e.getMessage().contains("train-images-idx3-ubyte.gz"), e.getMessage());
    }

    @Test
    void wrongMagicCountMismatchAndBadLabelAreRejected() throws IOException {
        write(dir.resolve("train-images-idx3-ubyte"), imageFile(2049, N, 28, 28, imageBytes(N)), false);
        write(dir.resolve("train-labels-idx1-ubyte"), labelFile(N, 10), false);
        IOException magic = assertThrows(IOException.class, () -> FashionMnist.load(dir, true, 0));
        assertTrue(magic.getMessage().contains("expected IDX image magic 2051, found 2049"), magic.getMessage());

        write(dir.resolve("train-images-idx3-ubyte"), imageFile(2051, N, 28, 28, imageBytes(N)), false);
        write(dir.resolve("train-labels-idx1-ubyte"), labelFile(N - 1, 10), false);
        IOException count = assertThrows(IOException.class, () -> FashionMnist.load(dir, true, 0));
        assertTrue(
                count.getMessage().contains("train-labels-idx1-ubyte")
                        && count.getMessage().contains("expected " + N + " labels"),
                count.getMessage());

        byte[] badLabel = labelFile(N, 10);
        badLabel[8 + 3] = 10;
        write(dir.resolve("train-labels-idx1-ubyte"), badLabel, false);
        IOException label = assertThrows(IOException.class, () -> FashionMnist.load(dir, true, 0));
        assertTrue(label.getMessage().contains("found 10 at index 3"), label.getMessage());

        write(dir.resolve("train-labels-idx1-ubyte"), labelFile(N, 10), false);
        write(dir.resolve("train-images-idx3-ubyte"), imageFile(2051, N, 32, 28, imageBytes(N)), false);
        IOException dims = assertThrows(IOException.class, () -> FashionMnist.load(dir, true, 0));
        assertTrue(dims.getMessage().contains("28 x 28"), dims.getMessage());
    }

    @Test
    void missingLabelFileIsNamed() throws IOException {
        write(dir.resolve("train-images-idx3-ubyte.gz"), imageFile(2051, N, 28, 28, imageBytes(N)), true);
        NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> FashionMnist.load(dir, true, 0));
        assertTrue(e.getMessage().contains("train-labels-idx1-ubyte"), e.getMessage());
    }

    /** the real data from Debian's dataset-fashion-mnist package, when installed */
    @Test
    void realFashionMnistWhenInstalled() throws IOException {
        Assumptions.assumeTrue(
                Files.isRegularFile(FashionMnist.DEFAULT_DIR.resolve("t10k-labels-idx1-ubyte.gz")),
                "dataset-fashion-mnist not installed");
        FashionMnist train = FashionMnist.load(FashionMnist.DEFAULT_DIR, true, 0);
        FashionMnist test = FashionMnist.load(FashionMnist.DEFAULT_DIR, false, 0);
        assertEquals(60000, train.size());
        assertEquals(10000, test.size());
        int[] perClass = new int[10];
        for (int i = 0; i < test.size(); i++) {
            perClass[test.label(i)]++;
        }
        for (int i = 0; i < train.size(); i++) {
            int label = train.label(i);
            assertTrue(label >= 0 && label < 10);
        }
        for (int c = 0; c < 10; c++) {
            assertEquals(1000, perClass[c], "Fashion-MNIST's test split has 1000 images per class");
        }
        float[] img = new float[28 * 28];
        test.read(0, img, 0);
        float min = 1f;
        float max = -1f;
        for (float v : img) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        assertEquals(-1f, min, 0f, "background is black");
        assertTrue(max > 0f, "an item is drawn");
    }
}
