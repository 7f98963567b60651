package org.denoiselab.science.eval;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.denoiselab.science.data.ImageDataset;
import org.denoiselab.science.image.ImageFiles;

/**
 * Images to evaluate, read in chunks as uint8 N x C x H x W: a sample batch saved as .npy (uint8, or
 * float in [-1, 1] converted as saved PNGs are), a folder of PNG or JPEG files (all one size, each decoded
 * and converted to one channel count by {@link ImageFiles}), or a dataset split.
 */
public interface ImageSource {
    int count();

    int channels();

    int height();

    int width();

    /** images [from, from + rows) as uint8 bytes, CHW per image */
    byte[] read(int from, int rows) throws IOException;

    /** what the images are, for messages: a file or folder name, "dataset fmnist" */
    default String describe() {
        return "images";
    }

    /** a .npy batch file or a folder of image files, each in its own channel count (see {@link #open(Path, int)}) */
    static ImageSource open(Path path) throws IOException {
        return open(path, 0);
    }

    /**
     * A .npy batch file or a folder of image files.
     *
     * @param channels what a folder's images are converted to: 1 (grey) or 3 (RGB) by Pillow's formulas, or 0
     *     for the first image's own; a .npy batch keeps its own
     * @throws IOException naming the file: missing, unreadable, the wrong shape, or a float batch holding NaN or
     *     infinity ({@link Npy.NonFiniteException})
     */
    static ImageSource open(Path path, int channels) throws IOException {
        if (Files.isDirectory(path)) {
            return new Folder(path, channels);
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
        return new InMemory(data, n, c, h, w, "batch");
    }

    /** as {@link #ofBytes(byte[], int, int, int, int)}, named in messages by {@code name} */
    static ImageSource ofBytes(byte[] data, int n, int c, int h, int w, String name) {
        if ((long) n * c * h * w != data.length) {
            throw new IllegalArgumentException(
                    name + " holds " + data.length + " bytes, expected " + n + " x " + c + " x " + h + " x " + w);
        }
        return new InMemory(data, n, c, h, w, name);
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
            public String describe() {
                return "dataset " + data.name();
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
    record InMemory(byte[] data, int count, int channels, int height, int width, String describe)
            implements ImageSource {
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
            a.requireFinite(file.toString(), "samples");
            double[] v = a.asDoubles();
            float[] f = new float[v.length];
            for (int i = 0; i < v.length; i++) {
                f[i] = (float) v[i];
            }
            data = SampleImages.toUint8(f);
        }
        return ofBytes(data, (int) s[0], (int) s[1], (int) s[2], (int) s[3], file.toString());
    }

    /**
     * The PNG and JPEG files of a folder (not its sub-folders) in name order, decoded when read by
     * {@link ImageFiles} and converted to one channel count; all must have the first one's size.
     */
    final class Folder implements ImageSource {
        private final Path dir;
        private final List<Path> files;
        private final int c;
        private final int h;
        private final int w;

        Folder(Path dir, int channels) throws IOException {
            this.dir = dir;
            files = ImageFiles.list(dir);
            if (files.isEmpty()) {
                throw new IOException(dir + ": folder holds no .png, .jpg or .jpeg files");
            }
            ImageFiles.UInt8Image first = ImageFiles.read(files.get(0), channels);
            c = first.channels();
            h = first.height();
            w = first.width();
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
        public String describe() {
            return dir.toString();
        }

        /** the file behind image {@code index} */
        public Path file(int index) {
            return files.get(index);
        }

        @Override
        public byte[] read(int from, int rows) throws IOException {
            int sample = c * h * w;
            byte[] out = new byte[rows * sample];
            for (int r = 0; r < rows; r++) {
                Path file = files.get(from + r);
                ImageFiles.UInt8Image img = ImageFiles.read(file, c);
                if (img.width() != w || img.height() != h) {
                    throw new IOException(file + ": image is " + img.width() + " x " + img.height() + " px, expected "
                            + w + " x " + h + " like " + files.get(0).getFileName());
                }
                System.arraycopy(img.data(), 0, out, r * sample, sample);
            }
            return out;
        }
    }
}
