package org.denoiselab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import javax.imageio.ImageIO;
import org.denoiselab.science.eval.FeatureStats;
import org.denoiselab.science.eval.Npy;
import org.denoiselab.science.eval.SampleImages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command end to end with the TorchScript Inception stand-in (fast, no training). */
class EvalCliTest {
    @TempDir
    Path dir;

    private Path fixture() throws IOException {
        Path file = dir.resolve("inception.pt");
        try (InputStream in = getClass().getResourceAsStream("/eval/inception-fixture.pt")) {
            Files.copy(in, file);
        }
        return file;
    }

    /** n grey h x w images with varied brightness, as [-1, 1] floats */
    private static float[] samples(int n, int h, int w, long seed) {
        java.util.Random rnd = new java.util.Random(seed);
        float[] x = new float[n * h * w];
        for (int i = 0; i < n; i++) {
            float base = (float) (rnd.nextDouble() * 1.6 - 0.8);
            for (int p = 0; p < h * w; p++) {
                x[i * h * w + p] = base + 0.1f * (float) rnd.nextGaussian();
            }
        }
        return x;
    }

    @Test
    void statsThenScoreFromNpyAndPngs() throws IOException {
        Path pt = fixture();
        int n = 30;
        float[] x = samples(n, 6, 6, 1);
        Path npy = dir.resolve("batch.npy");
        Npy.write(Npy.float32(x, n, 1, 6, 6), npy); // model-space batch: converted as saved PNGs are
        Path pngs = Files.createDirectory(dir.resolve("pngs"));
        byte[] u8 = SampleImages.toUint8(x);
        for (int i = 0; i < n; i++) {
            BufferedImage img = new BufferedImage(6, 6, BufferedImage.TYPE_BYTE_GRAY);
            for (int p = 0; p < 36; p++) {
                img.getRaster().setSample(p % 6, p / 6, 0, u8[i * 36 + p] & 0xff);
            }
            ImageIO.write(
                    img,
                    "png",
                    dir.resolve("pngs/" + String.format("%03d.png", i)).toFile());
        }
        Path ref = dir.resolve("ref.npz");
        String wrote = EvalCli.run(new String[] {
            "stats",
            "--dataset",
            "npy",
            "--location",
            npy.toString(),
            "--extractor",
            "inception",
            "--weights",
            pt.toString(),
            "--out",
            ref.toString()
        });
        assertTrue(wrote.contains("dim 2048") && wrote.contains("30 images"), wrote);
        Map<String, Double> fromPng = parse(EvalCli.run(new String[] {
            "score",
            "--samples",
            pngs.toString(),
            "--ref",
            ref.toString(),
            "--extractor",
            "inception",
            "--weights",
            pt.toString()
        }));
        // the PNGs hold exactly the bytes of the batch: same features, so only the eps offset remains
        assertEquals(30.0, fromPng.get("samples"));
        assertTrue(Math.abs(fromPng.get("fid_inception")) < 1e-2, "fid " + fromPng);
        assertTrue(fromPng.get("is_inception_mean") >= 1.0, "is " + fromPng);
    }

    @Test
    void clearErrors() throws IOException {
        Path pt = fixture();
        Path empty = Files.createDirectory(dir.resolve("empty"));
        Path ref = dir.resolve("ref3.npz");
        new FeatureStats.Gaussian(new double[3], new double[9]).save(ref);
        String[] base = {"score", "--ref", ref.toString(), "--extractor", "inception", "--weights", pt.toString()};
        assertMessage("holds no .png, .jpg or .jpeg files", withSamples(base, empty));
        Path bad = Files.createDirectory(dir.resolve("bad"));
        Files.writeString(bad.resolve("a.png"), "not a png");
        assertMessage("a.png: not a PNG or JPEG", withSamples(base, bad));
        Path flat = dir.resolve("flat.npy");
        Npy.write(Npy.uint8(new byte[12], 12), flat);
        assertMessage("expected a sample batch of shape N x C x H x W", withSamples(base, flat));
        Path ok = dir.resolve("ok.npy");
        Npy.write(Npy.uint8(new byte[4 * 3 * 4 * 4], 4, 3, 4, 4), ok);
        assertMessage("dimension 3 but the inception extractor gives 2048", withSamples(base, ok));
        assertMessage("--extractor must be", new String[] {
            "score",
            "--samples",
            ok.toString(),
            "--ref",
            ref.toString(),
            "--extractor",
            "vgg",
            "--weights",
            pt.toString()
        });
    }

    /** exit status and what the command wrote to standard output and standard error */
    private record Ran(int status, String out, String err) {}

    private static Ran execute(String... args) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        int status = EvalCli.execute(
                args,
                new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8),
                new java.io.PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8));
        return new Ran(
                status,
                out.toString(java.nio.charset.StandardCharsets.UTF_8),
                err.toString(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** refused: exit status 2 and exactly one line on standard error, holding {@code expected} */
    private static void assertRefused(String expected, String... args) {
        Ran r = execute(args);
        assertEquals(2, r.status(), r.err());
        assertEquals(1, r.err().strip().lines().count(), "one line: " + r.err());
        assertTrue(r.err().startsWith("error: ") && r.err().contains(expected), r.err());
    }

    @Test
    void fdBetweenTwoStatisticsFilesPrintsTheExactValue() throws IOException {
        // diagonal Gaussians: FD = |mu1 - mu2|^2 + sum_i (s1_i + s2_i - 2 sqrt(s1_i s2_i))
        Path a = dir.resolve("a.npz");
        Path b = dir.resolve("b.npz");
        new FeatureStats.Gaussian(new double[] {0, 1, 2}, new double[] {4, 0, 0, 0, 1, 0, 0, 0, 9}).save(a);
        new FeatureStats.Gaussian(new double[] {1, 1, 0}, new double[] {1, 0, 0, 0, 1, 0, 0, 0, 1}).save(b);
        double expected = (1 + 0 + 4) + (4 + 1 - 2 * 2) + (1 + 1 - 2) + (9 + 1 - 2 * 3);
        Ran r = execute("fd", a.toString(), b.toString());
        assertEquals(0, r.status(), r.err());
        Map<String, Double> m = parse(r.out().strip());
        assertEquals(expected, m.get("fd"), 1e-9);
        assertEquals(5.0, m.get("mean_term"), 1e-9);
        assertTrue(r.out().contains("fd=" + String.format(java.util.Locale.ROOT, "%.9f", expected)), r.out());
        // NumPy's own files (np.savez_compressed, big endian, Fortran order) against themselves
        Path numpy = Path.of("../science/src/test/resources/npy/stats-compressed.npz");
        assertEquals(
                0.0,
                parse(execute("fd", numpy.toString(), numpy.toString()).out().strip())
                        .get("fd"),
                1e-9);
        assertRefused("array 'mu' holds NaN", "fd", a.toString(), "../science/src/test/resources/npy/stats-nan.npz");
        Path two = dir.resolve("two.npz");
        new FeatureStats.Gaussian(new double[] {0, 1}, new double[] {1, 0, 0, 1}).save(two);
        assertRefused("has dimension 3 but", "fd", a.toString(), two.toString());
    }

    @Test
    void degenerateAndNonFiniteInputsAreOneLineAndExitTwo() throws IOException {
        Path pt = fixture();
        Path one = Files.createDirectory(dir.resolve("one"));
        BufferedImage img = new BufferedImage(6, 6, BufferedImage.TYPE_BYTE_GRAY);
        ImageIO.write(img, "png", one.resolve("0.png").toFile());
        Path ref = dir.resolve("r.npz");
        assertRefused(
                "1 image(s); feature statistics need at least 2",
                "stats",
                "--samples",
                one.toString(),
                "--extractor",
                "inception",
                "--weights",
                pt.toString(),
                "--out",
                ref.toString());
        assertTrue(!Files.exists(ref), "nothing written");
        assertRefused(
                "'samples' holds NaN at index [1, 0, 2, 3]",
                "score",
                "--samples",
                "../science/src/test/resources/npy/samples-nan.npy",
                "--ref",
                "../science/src/test/resources/npy/stats-savez.npz",
                "--extractor",
                "inception",
                "--weights",
                pt.toString());
        assertRefused(
                "missing.npz: no such .npz file",
                "fd",
                dir.resolve("missing.npz").toString(),
                dir.resolve("m2.npz").toString());
        Ran usage = execute("fd"); // a command line that does not parse: the error line, then the usage
        assertEquals(2, usage.status());
        assertTrue(usage.err().startsWith("error: Missing required parameters: 'A.npz', 'B.npz'"), usage.err());
    }

    @Test
    void fewerSamplesThanFeatureDimensionsWarnsAndScores() throws IOException {
        Path pt = fixture();
        float[] x = samples(8, 6, 6, 3);
        Path npy = dir.resolve("few.npy");
        Npy.write(Npy.float32(x, 8, 1, 6, 6), npy);
        Path ref = dir.resolve("few.npz");
        Ran stats = execute(
                "stats",
                "--samples",
                npy.toString(),
                "--extractor",
                "inception",
                "--weights",
                pt.toString(),
                "--out",
                ref.toString());
        assertEquals(0, stats.status(), stats.err());
        assertTrue(stats.err().contains("warning: 8 samples for 2048-dimensional features"), stats.err());
        Ran score = execute(
                "score",
                "--samples",
                npy.toString(),
                "--ref",
                ref.toString(),
                "--extractor",
                "inception",
                "--weights",
                pt.toString());
        assertEquals(0, score.status(), score.err());
        assertTrue(score.err().contains("covariance is singular"), score.err());
        assertTrue(Math.abs(parse(score.out().strip()).get("fid_inception")) < 1e-6, score.out());
    }

    /** the reported case: the same images as grey PNGs and as palette PNGs score the same */
    @Test
    void palettePngsScoreAsTheirGreyLevels() throws IOException {
        Path pt = fixture();
        Path grey = Files.createDirectory(dir.resolve("grey"));
        Path palette = Files.createDirectory(dir.resolve("palette"));
        byte[] levels = new byte[256];
        for (int i = 0; i < 256; i++) {
            levels[i] = (byte) i;
        }
        java.awt.image.IndexColorModel greyPalette = new java.awt.image.IndexColorModel(8, 256, levels, levels, levels);
        java.util.Random rnd = new java.util.Random(5);
        for (int i = 0; i < 12; i++) {
            BufferedImage g = new BufferedImage(8, 8, BufferedImage.TYPE_BYTE_GRAY);
            BufferedImage p = new BufferedImage(8, 8, BufferedImage.TYPE_BYTE_INDEXED, greyPalette);
            for (int k = 0; k < 64; k++) {
                int v = rnd.nextInt(256);
                g.getRaster().setSample(k % 8, k / 8, 0, v);
                p.getRaster().setSample(k % 8, k / 8, 0, v);
            }
            ImageIO.write(g, "png", grey.resolve(i + ".png").toFile());
            ImageIO.write(p, "png", palette.resolve(i + ".png").toFile());
        }
        Path ref = dir.resolve("grey.npz");
        assertEquals(
                0,
                execute(
                                "stats",
                                "--samples",
                                grey.toString(),
                                "--extractor",
                                "inception",
                                "--weights",
                                pt.toString(),
                                "--out",
                                ref.toString())
                        .status());
        Ran r = execute(
                "score",
                "--samples",
                palette.toString(),
                "--ref",
                ref.toString(),
                "--extractor",
                "inception",
                "--weights",
                pt.toString());
        assertEquals(0, r.status(), r.err());
        assertTrue(Math.abs(parse(r.out().strip()).get("fid_inception")) < 1e-6, r.out());
    }

    private static String[] withSamples(String[] base, Path samples) {
        String[] a = java.util.Arrays.copyOf(base, base.length + 2);
        a[base.length] = "--samples";
        a[base.length + 1] = samples.toString();
        return a;
    }

    private static void assertMessage(String expected, String[] args) {
        Exception e = assertThrows(Exception.class, () -> EvalCli.run(args));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    private static Map<String, Double> parse(String out) {
        Map<String, Double> m = new HashMap<>();
        for (String line : out.split("\\R")) {
            String[] kv = line.split("=", 2);
            m.put(kv[0], Double.parseDouble(kv[1]));
        }
        return m;
    }
}
