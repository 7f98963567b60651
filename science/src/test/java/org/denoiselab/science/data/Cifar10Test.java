package org.denoiselab.science.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import org.denoiselab.science.image.Pixels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Cifar10Test {
    static final int PER_FILE = 3;

    @TempDir
    Path dir;

    /** record r of file f: label (f + r) mod 10, pixel byte (7 f + 13 r + p) mod 256 */
    static byte[] batch(int f, int records) {
        byte[] b = new byte[records * Cifar10.RECORD_BYTES];
        for (int r = 0; r < records; r++) {
            int base = r * Cifar10.RECORD_BYTES;
            b[base] = (byte) ((f + r) % 10);
            for (int p = 0; p < Cifar10.IMAGE_BYTES; p++) {
                b[base + 1 + p] = (byte) (7 * f + 13 * r + p);
            }
        }
        return b;
    }

    private void writeAll() throws IOException {
        for (int f = 1; f <= 5; f++) {
            Files.write(dir.resolve("data_batch_" + f + ".bin"), batch(f, PER_FILE));
        }
        Files.write(dir.resolve("test_batch.bin"), batch(0, PER_FILE));
    }

    private static void assertRecord(Cifar10 data, int index, int f, int r) {
        float[] img = new float[Cifar10.IMAGE_BYTES];
        data.read(index, img, 0);
        for (int p = 0; p < img.length; p++) {
            assertTrue(img[p] >= -1f && img[p] <= 1f);
            assertEquals(Pixels.fromUint8((7 * f + 13 * r + p) & 0xff), img[p], 0f, "pixel " + p);
        }
        assertEquals((f + r) % 10, data.label(index));
    }

    @Test
    void readsAllFiveTrainingBatchesInOrderAsChw() throws IOException {
        writeAll();
        Cifar10 train = Cifar10.load(dir, true, 0);
        assertEquals(5 * PER_FILE, train.size());
        assertEquals(3, train.channels());
        assertEquals(32, train.height());
        assertEquals(32, train.width());
        assertEquals(10, train.numClasses());
        for (int f = 1; f <= 5; f++) {
            for (int r = 0; r < PER_FILE; r++) {
                assertRecord(train, (f - 1) * PER_FILE + r, f, r);
            }
        }
        // the file's R plane is the first 1024 floats (channel 0), row-major: pixel (y=1, x=0) is byte 32
        float[] img = new float[Cifar10.IMAGE_BYTES];
        train.read(0, img, 0);
        assertEquals(Pixels.fromUint8(7 + 32), img[32], 0f);
        assertEquals(Pixels.fromUint8((7 + 1024) & 0xff), img[1024], 0f, "G plane starts at 1024");
    }

    @Test
    void testSplitAndLimitSpanningFiles() throws IOException {
        writeAll();
        Cifar10 test = Cifar10.load(dir, false, 0);
        assertEquals(PER_FILE, test.size());
        assertRecord(test, 2, 0, 2);
        Cifar10 limited = Cifar10.load(dir, true, PER_FILE + 1);
        assertEquals(PER_FILE + 1, limited.size());
        assertRecord(limited, PER_FILE, 2, 0);
    }

    @Test
    void acceptsTheArchiveParentFolder() throws IOException {
        Path inner = Files.createDirectories(dir.resolve(Cifar10.ARCHIVE_FOLDER));
        Files.write(inner.resolve("test_batch.bin"), batch(0, PER_FILE));
        assertEquals(PER_FILE, Cifar10.load(dir, false, 0).size());
    }

    @Test
    void missingBatchIsNamed() throws IOException {
        writeAll();
        Files.delete(dir.resolve("data_batch_4.bin"));
        NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> Cifar10.load(dir, true, 0));
        assertTrue(e.getMessage().contains("data_batch_4.bin"), e.getMessage());
        assertTrue(e.getMessage().contains("needs all of"), e.getMessage());
    }

    @Test
    void truncatedBatchIsNamedWithItsLength() throws IOException {
        writeAll();
        byte[] cut = Arrays.copyOf(batch(3, PER_FILE), 2 * Cifar10.RECORD_BYTES + 100);
        Files.write(dir.resolve("data_batch_3.bin"), cut);
        DataFormatException e = assertThrows(DataFormatException.class, () -> Cifar10.load(dir, true, 0));
        assertEquals("data_batch_3.bin", e.file().getFileName().toString());
        assertTrue(
                e.getMessage().contains("multiple of 3073") && e.getMessage().contains("found " + cut.length),
                e.getMessage());
    }

    @Test
    void labelAboveNineIsNamed() throws IOException {
        writeAll();
        byte[] bad = batch(0, PER_FILE);
        bad[Cifar10.RECORD_BYTES] = 10; // record 1
        Files.write(dir.resolve("test_batch.bin"), bad);
        DataFormatException e = assertThrows(DataFormatException.class, () -> Cifar10.load(dir, false, 0));
        assertTrue(
                e.getMessage().contains("test_batch.bin")
                        && e.getMessage().contains("record 1")
                        && e.getMessage().contains("found 10"),
                e.getMessage());
    }
}
