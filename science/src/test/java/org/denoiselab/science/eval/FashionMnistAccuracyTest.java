package org.denoiselab.science.eval;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import org.denoiselab.science.data.FashionMnist;
import org.junit.jupiter.api.Test;

/**
 * The evaluation classifier on real Fashion-MNIST (Debian's dataset-fashion-mnist, which bin/test
 * installs): trained with the services' budget (pipeline's JobSettings.defaults(): 20000 images, 2
 * epochs, batch 128, seed 0), it must classify the whole 10,000-image test split above 80%, or FD and KID
 * in its feature space say little. About 20 s on 2 cores; -Deval.fmnist=N trains on N images instead.
 */
class FashionMnistAccuracyTest {
    @Test
    void classifierAccuracyOnFashionMnist() throws IOException {
        assumeTrue(Files.isDirectory(FashionMnist.DEFAULT_DIR), "dataset-fashion-mnist not installed");
        int trainImages = Integer.getInteger("eval.fmnist", 20_000);
        int epochs = Integer.getInteger("eval.fmnist.epochs", 2);
        FashionMnist train = FashionMnist.load(FashionMnist.DEFAULT_DIR, true, trainImages);
        FashionMnist test = FashionMnist.load(FashionMnist.DEFAULT_DIR, false, 0);
        long t0 = System.nanoTime();
        try (ClassifierExtractor c = ClassifierExtractor.train(train, epochs, 128, 0)) {
            double accuracy = c.accuracy(test);
            System.out.printf(
                    "fashion-mnist classifier: train=%d epochs=%d test_accuracy=%.4f seconds=%.1f%n",
                    train.size(), epochs, accuracy, (System.nanoTime() - t0) / 1e9);
            assertTrue(accuracy > 0.8, "test accuracy " + accuracy);
        }
    }
}
