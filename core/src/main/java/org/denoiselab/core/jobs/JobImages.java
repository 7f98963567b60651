package org.denoiselab.core.jobs;

import java.util.Arrays;
import org.denoiselab.core.data.ImageDataset;
import org.denoiselab.core.eval.ImageSource;
import org.denoiselab.core.eval.SampleImages;

/** The two image sources the eval job scores: a stored uint8 batch in memory, and a dataset split. */
final class JobImages {
    private JobImages() {}

    /** uint8 N x C x H x W bytes, as the sampler stores them */
    static ImageSource ofBytes(byte[] data, int n, int c, int h, int w) {
        if ((long) n * c * h * w != data.length) {
            throw new IllegalArgumentException("batch holds " + data.length + " bytes, expected " + n + " x " + c + " x "
                    + h + " x " + w);
        }
        return new ImageSource() {
            @Override public int count() { return n; }
            @Override public int channels() { return c; }
            @Override public int height() { return h; }
            @Override public int width() { return w; }

            @Override
            public byte[] read(int from, int rows) {
                int sample = c * h * w;
                return Arrays.copyOfRange(data, from * sample, (from + rows) * sample);
            }
        };
    }

    /** a dataset's images quantised to 8 bits exactly as generated samples are (SampleImages.toUint8) */
    static ImageSource ofDataset(ImageDataset data) {
        return new ImageSource() {
            @Override public int count() { return data.size(); }
            @Override public int channels() { return data.channels(); }
            @Override public int height() { return data.height(); }
            @Override public int width() { return data.width(); }

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
}
