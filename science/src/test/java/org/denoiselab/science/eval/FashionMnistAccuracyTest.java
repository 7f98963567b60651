package org.denoiselab.science.eval;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.DataInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import org.denoiselab.science.data.ImageDataset;
import org.denoiselab.science.image.Pixels;
import org.junit.jupiter.api.Test;

/**
 * The classifier's accuracy on real Fashion-MNIST (Debian's dataset-fashion-mnist). Opt-in, it trains
 * for a minute or more: mvn -pl core test -Dtest=FashionMnistAccuracyTest -Deval.fmnist=20000 (training
 * images used; the whole 10,000-image test set is scored). The IDX reader here is a private stand-in
 * until the data package's reader lands.
 */
class FashionMnistAccuracyTest {
    private static final Path DIR = Path.of("/usr/share/datasets/fashion-mnist");

    @Test
    void classifierAccuracyOnFashionMnist() throws IOException {
        String trainSize = System.getProperty("eval.fmnist");
        assumeTrue(trainSize != null, "opt-in: -Deval.fmnist=<training images>");
        assumeTrue(Files.isDirectory(DIR), "dataset-fashion-mnist not installed");
        Idx train = new Idx(
                DIR.resolve("train-images-idx3-ubyte.gz"),
                DIR.resolve("train-labels-idx1-ubyte.gz"),
                Integer.parseInt(trainSize));
        Idx test = new Idx(DIR.resolve("t10k-images-idx3-ubyte.gz"), DIR.resolve("t10k-labels-idx1-ubyte.gz"), 10_000);
        int epochs = Integer.getInteger("eval.fmnist.epochs", 1);
        long t0 = System.nanoTime();
        try (ClassifierExtractor c = ClassifierExtractor.train(train, epochs, 64, 1)) {
            double accuracy = c.accuracy(test);
            System.out.printf(
                    "fashion-mnist classifier: train=%d epochs=%d test_accuracy=%.4f seconds=%.1f%n",
                    train.size(), epochs, accuracy, (System.nanoTime() - t0) / 1e9);
            assertTrue(accuracy > 0.8, "test accuracy " + accuracy);
        }
    }

    /** IDX images + labels, gzip'd, kept as bytes */
    private static final class Idx implements ImageDataset {
        private final byte[] images;
        private final byte[] labels;
        private final int n;

        Idx(Path imageFile, Path labelFile, int limit) throws IOException {
            try (DataInputStream im = new DataInputStream(new GZIPInputStream(Files.newInputStream(imageFile)));
                    DataInputStream lb = new DataInputStream(new GZIPInputStream(Files.newInputStream(labelFile)))) {
                if (im.readInt() != 0x803 || lb.readInt() != 0x801) {
                    throw new IOException(imageFile + ": bad IDX magic");
                }
                n = Math.min(limit, im.readInt());
                lb.readInt();
                if (im.readInt() != 28 || im.readInt() != 28) {
                    throw new IOException(imageFile + ": expected 28 x 28 images");
                }
                images = im.readNBytes(n * 784);
                labels = lb.readNBytes(n);
            }
        }

        @Override
        public String name() {
            return "fmnist";
        }

        @Override
        public int size() {
            return n;
        }

        @Override
        public int channels() {
            return 1;
        }

        @Override
        public int height() {
            return 28;
        }

        @Override
        public int width() {
            return 28;
        }

        @Override
        public int numClasses() {
            return 10;
        }

        @Override
        public int label(int index) {
            return labels[index];
        }

        @Override
        public void read(int index, float[] dst, int offset) {
            for (int i = 0; i < 784; i++) {
                dst[offset + i] = Pixels.fromUint8(images[index * 784 + i]);
            }
        }
    }
}
