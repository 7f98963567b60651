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
        assertMessage("holds no .png files", withSamples(base, empty));
        Path bad = Files.createDirectory(dir.resolve("bad"));
        Files.writeString(bad.resolve("a.png"), "not a png");
        assertMessage("a.png: unreadable image", withSamples(base, bad));
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
