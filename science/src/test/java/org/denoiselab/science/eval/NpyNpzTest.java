package org.denoiselab.science.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.denoiselab.science.eval.FeatureStats.Gaussian;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpyNpzTest {
    @TempDir
    Path dir;

    /** NumPy's bytes for np.save(f, np.array([1.5, -2.0, 0.25])), built by hand from the format spec */
    static byte[] numpyLayout(String descr, String shape, byte[] data) {
        String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
        // NumPy 1.24+ appends 21 - len(first dim) spaces of growth room, then pads to 64 with the newline
        String firstDim = shape.replaceAll("[(), ]+", " ").trim().split(" ")[0];
        dict += " ".repeat(21 - firstDim.length());
        int pad = 64 - (10 + dict.length() + 1) % 64;
        String header = dict + " ".repeat(pad) + "\n";
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0});
        out.write(header.length() & 0xff);
        out.write(header.length() >> 8);
        out.writeBytes(header.getBytes(StandardCharsets.ISO_8859_1));
        out.writeBytes(data);
        return out.toByteArray();
    }

    static byte[] le(double... v) {
        ByteBuffer b = ByteBuffer.allocate(8 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (double x : v) {
            b.putDouble(x);
        }
        return b.array();
    }

    @Test
    void writesNumpysExactBytes() {
        double[] v = {1.5, -2.0, 0.25, 4, 5, 6};
        assertArrayEquals(
                numpyLayout("<f8", "(3,)", le(1.5, -2.0, 0.25)),
                Npy.toBytes(Npy.float64(new double[] {1.5, -2.0, 0.25}, 3)));
        assertArrayEquals(numpyLayout("<f8", "(2, 3)", le(v)), Npy.toBytes(Npy.float64(v, 2, 3)));
        byte[] u8 = {0, 1, (byte) 255, 7};
        assertArrayEquals(numpyLayout("|u1", "(1, 1, 2, 2)", u8), Npy.toBytes(Npy.uint8(u8, 1, 1, 2, 2)));
        assertEquals(0, (Npy.toBytes(Npy.float64(v, 2, 3)).length - 48) % 64, "data starts 64-byte aligned");
    }

    @Test
    void readsAHandBuiltNpzInNumpysLayout() throws IOException {
        Path file = dir.resolve("stats.npz");
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(file))) {
            zip.putNextEntry(new ZipEntry("mu.npy")); // deflated, as np.savez_compressed writes
            zip.write(numpyLayout("<f8", "(2,)", le(0.5, -1)));
            zip.putNextEntry(new ZipEntry("sigma.npy"));
            zip.write(numpyLayout("<f8", "(2, 2)", le(2, 0.5, 0.5, 1)));
        }
        Gaussian g = Gaussian.load(file);
        assertArrayEquals(new double[] {0.5, -1}, g.mu());
        assertArrayEquals(new double[] {2, 0.5, 0.5, 1}, g.sigma());
    }

    @Test
    void roundTripsStatisticsAndSampleBatches() throws IOException {
        Gaussian g = new Gaussian(new double[] {1, 2, 3}, new double[] {1, 0, 0, 0, 2, 0.5, 0, 0.5, 3});
        Path file = dir.resolve("ref.npz");
        g.save(file);
        Gaussian back = Gaussian.load(file);
        assertArrayEquals(g.mu(), back.mu());
        assertArrayEquals(g.sigma(), back.sigma());
        byte[] batch = new byte[2 * 3 * 4 * 5];
        for (int i = 0; i < batch.length; i++) {
            batch[i] = (byte) (i * 7);
        }
        Path npy = dir.resolve("batch.npy");
        Npy.write(Npy.uint8(batch, 2, 3, 4, 5), npy);
        Npy.Array a = Npy.read(npy);
        assertArrayEquals(new long[] {2, 3, 4, 5}, a.shape());
        assertArrayEquals(batch, a.asUint8("batch.npy"));
        Npy.write(Npy.float32(new float[] {0.5f, -1f}, 2), npy);
        assertArrayEquals(new double[] {0.5, -1}, Npy.read(npy).asDoubles());
    }

    @Test
    void badFilesGetErrorsNamingThem() throws IOException {
        Path notNpy = Files.writeString(dir.resolve("x.npy"), "hello");
        IOException e = assertThrows(IOException.class, () -> Npy.read(notNpy));
        assertTrue(e.getMessage().contains("x.npy") && e.getMessage().contains("magic"), e.getMessage());
        Path truncated = dir.resolve("t.npy");
        byte[] full = Npy.toBytes(Npy.float64(new double[] {1, 2, 3}, 3));
        Files.write(truncated, java.util.Arrays.copyOf(full, full.length - 4));
        e = assertThrows(IOException.class, () -> Npy.read(truncated));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
        Path wrongKeys = dir.resolve("w.npz");
        Npz.write(wrongKeys, java.util.Map.of("mean", Npy.float64(new double[] {1}, 1)));
        e = assertThrows(IOException.class, () -> Gaussian.load(wrongKeys));
        assertTrue(e.getMessage().contains("'mu' and 'sigma'"), e.getMessage());
    }

    /** NumPy itself reads what we write (skipped where python3 with numpy is absent) */
    @Test
    void numpyLoadsOurNpz() throws Exception {
        Path file = dir.resolve("ours.npz");
        new Gaussian(new double[] {1.25, -3}, new double[] {2, 0.5, 0.5, 1}).save(file);
        String script = "import sys, numpy as np\n"
                + "f = np.load(sys.argv[1])\n"
                + "assert f['mu'].dtype == np.float64 and f['sigma'].shape == (2, 2)\n"
                + "print(repr(float(f['mu'][0] + f['sigma'][0, 1] + f['sigma'][1, 1])))\n";
        String out;
        try {
            Process p = new ProcessBuilder("python3", "-c", script, file.toString())
                    .redirectErrorStream(true)
                    .start();
            assumeTrue(p.waitFor(60, TimeUnit.SECONDS), "python3 did not finish");
            out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            assumeTrue(p.exitValue() == 0 || !out.contains("No module named"), "numpy absent");
            assumeTrue(!out.contains("No module named"), "numpy absent");
            assertEquals(0, p.exitValue(), out);
        } catch (IOException noPython) {
            assumeTrue(false, "python3 absent");
            return;
        }
        assertEquals("2.75", out);
    }
}
