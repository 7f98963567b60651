package org.denoiselab.science.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class InceptionScoreTest {
    @Test
    void uniformPredictionsScoreOne() {
        float[] logits = new float[100 * 7]; // all zero: p(y|x) uniform
        InceptionScore.Result r = InceptionScore.compute(logits, 100, 7, 10);
        assertEquals(1.0, r.mean(), 1e-12);
        assertEquals(0.0, r.std(), 1e-12);
    }

    @Test
    void confidentEvenlySpreadPredictionsScoreTheNumberOfClasses() {
        int classes = 10;
        int n = 500; // each split of 50 holds every class 5 times
        float[] logits = new float[n * classes];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < classes; k++) {
                logits[i * classes + k] = k == i % classes ? 0f : -200f; // one-hot up to e^-200
            }
        }
        InceptionScore.Result r = InceptionScore.compute(logits, n, classes, 10);
        assertEquals(classes, r.mean(), 1e-9);
        assertEquals(0.0, r.std(), 1e-9);
    }

    @Test
    void collapsedConfidentPredictionsScoreOne() {
        float[] logits = new float[40 * 5];
        for (int i = 0; i < 40; i++) {
            logits[i * 5 + 2] = 100f; // every sample confidently class 2
        }
        assertEquals(1.0, InceptionScore.compute(logits, 40, 5, 10).mean(), 1e-9);
    }

    @Test
    void splitsDifferGiveAPositiveStd() {
        Random rnd = new Random(3);
        float[] logits = new float[200 * 6];
        for (int i = 0; i < logits.length; i++) {
            logits[i] = (float) (3 * rnd.nextGaussian());
        }
        InceptionScore.Result r = InceptionScore.compute(logits, 200, 6, 10);
        assertTrue(r.mean() > 1 && r.mean() < 6, "IS " + r.mean());
        assertTrue(r.std() > 0);
        assertThrows(IllegalArgumentException.class, () -> InceptionScore.compute(new float[5 * 6], 5, 6, 10));
    }
}
