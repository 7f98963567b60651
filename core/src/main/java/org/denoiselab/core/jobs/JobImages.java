package org.denoiselab.core.jobs;

import org.denoiselab.core.data.ImageDataset;
import org.denoiselab.core.eval.ImageSource;
import org.denoiselab.core.eval.SampleImages;

/** The dataset split the eval job scores against, as an image source (stored batches use ImageSource.ofBytes). */
final class JobImages {
    private JobImages() {}

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
