package org.denoiselab.science.eval;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.denoiselab.science.data.ImageDataset;

/**
 * Images to evaluate, read in chunks as uint8 N x C x H x W: a sample batch saved as .npy (uint8, or
 * float in [-1, 1] converted as saved PNGs are), a folder of PNGs (grey or RGB, all one size), or a
 * dataset split.
 */
public interface ImageSource {
    int count();

    int channels();

    int height();

    int width();

    /** images [from, from + rows) as uint8 bytes, CHW per image */
    byte[] read(int from, int rows) throws IOException;

    /** a .npy batch file or a folder of .png files */
    static ImageSource open(Path path) throws IOException {
        if (Files.isDirectory(path)) {
            return new PngFolder(path);
        }
        if (!Files.isRegularFile(path)) {
            throw new IOException(path + ": no such file or folder of samples");
        }
        return npyBatch(path);
    }

    /** uint8 N x C x H x W bytes held in memory (a stored sample batch) */
    static ImageSource ofBytes(byte[] data, int n, int c, int h, int w) {
        if ((long) n * c * h * w != data.length) {
            throw new IllegalArgumentException(
                    "batch holds " + data.length + " bytes, expected " + n + " x " + c + " x " + h + " x " + w);
        }
        return new InMemory(data, n, c, h, w);
    }

    /** a dataset's images quantised to 8 bits exactly as generated samples are (SampleImages.toUint8) */
    static ImageSource ofDataset(ImageDataset data) {
        return new ImageSource() {
            @Override
            public int count() {
                return data.size();
            }

            @Override
            public int channels() {
                return data.channels();
            }

            @Override
            public int height() {
                return data.height();
            }

            @Override
            public int width() {
                return data.width();
            }

            @Override
            public byte[] read(int from, int rows) {
                int sample = data.sampleLength();
                float[] x = new float[rows * sample];
                for (int r = 0; r < rows; r++) {
                    data.read(from + r, x, r * sample);
                }
                return SampleImages.toUint8(x);
            }
        };
    }

    /** a whole batch held in memory */
    record InMemory(byte[] data, int count, int channels, int height, int width) implements ImageSource {
        @Override
        public byte[] read(int from, int rows) {
            int sample = channels * height * width;
            return java.util.Arrays.copyOfRange(data, from * sample, (from + rows) * sample);
        }
    }

    /** a .npy batch: uint8, or float in [-1, 1] converted exactly as saved PNGs are */
    private static ImageSource npyBatch(Path file) throws IOException {
        Npy.Array a = Npy.read(file);
        long[] s = a.shape();
        if (s.length != 4 || (s[1] != 1 && s[1] != 3) || s[0] == 0) {
            throw new IOException(
                    file + ": expected a sample batch of shape N x C x H x W with C = 1 or 3 and N > 0," + " got " + a);
        }
        byte[] data;
        if (a.type() == Npy.Type.UINT8) {
            data = a.data();
        } else {
            double[] v = a.asDoubles();
            float[] f = new float[v.length];
            for (int i = 0; i < v.length; i++) {
                f[i] = (float) v[i];
            }
            data = SampleImages.toUint8(f);
        }
        return ofBytes(data, (int) s[0], (int) s[1], (int) s[2], (int) s[3]);
    }

    /** PNG files of a folder in name order, decoded when read */
    final class PngFolder implements ImageSource {
        private final List<Path> files;
        private final int c;
        private final int h;
        private final int w;

        PngFolder(Path dir) throws IOException {
            try (Stream<Path> s = Files.list(dir)) {
                files = s.filter(p -> p.getFileName().toString().toLowerCase().endsWith(".png"))
                        .sorted()
                        .toList();
            }
            if (files.isEmpty()) {
                throw new IOException(dir + ": folder holds no .png files");
            }
            BufferedImage first = decode(files.get(0));
            c = channelsOf(first);
            h = first.getHeight();
            w = first.getWidth();
        }

        private static BufferedImage decode(Path file) throws IOException {
            BufferedImage img;
            try {
                img = ImageIO.read(file.toFile());
            } catch (IOException | RuntimeException e) {
                throw new IOException(file + ": unreadable image: " + e.getMessage(), e);
            }
            if (img == null) {
                throw new IOException(file + ": unreadable image (not a PNG ImageIO can decode)");
            }
            return img;
        }

        private static int channelsOf(BufferedImage img) {
            return img.getRaster().getNumBands() == 1 ? 1 : 3;
        }

        @Override
        public int count() {
            return files.size();
        }

        @Override
        public int channels() {
            return c;
        }

        @Override
        public int height() {
            return h;
        }

        @Override
        public int width() {
            return w;
        }

        @Override
        public byte[] read(int from, int rows) throws IOException {
            int plane = h * w;
            byte[] out = new byte[rows * c * plane];
            for (int r = 0; r < rows; r++) {
                Path file = files.get(from + r);
                BufferedImage img = decode(file);
                if (img.getWidth() != w || img.getHeight() != h || channelsOf(img) != c) {
                    throw new IOException(file + ": image is " + channelsOf(img) + " x " + img.getHeight() + " x "
                            + img.getWidth() + ", expected " + c + " x " + h + " x " + w + " like " + files.get(0));
                }
                int o = r * c * plane;
                for (int y = 0; y < h; y++) {
                    for (int x = 0; x < w; x++) {
                        if (c == 1) {
                            out[o + y * w + x] = (byte) img.getRaster().getSample(x, y, 0);
                        } else {
                            int rgb = img.getRGB(x, y);
                            out[o + y * w + x] = (byte) (rgb >> 16);
                            out[o + plane + y * w + x] = (byte) (rgb >> 8);
                            out[o + 2 * plane + y * w + x] = (byte) rgb;
                        }
                    }
                }
            }
            return out;
        }
    }
}
