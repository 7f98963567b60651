package org.denoiselab.science.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import org.denoiselab.science.eval.FeatureStats.Gaussian;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Files NumPy wrote (src/test/python/make_npy_fixtures.py): every layout read, the rest refused by name. */
class NumpyFixturesTest {
    static Path npy(String name) throws Exception {
        return Path.of(NumpyFixturesTest.class.getResource("/npy/" + name).toURI());
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "a-f8-le-C",
                "a-f8-le-F",
                "a-f8-be-C",
                "a-f8-be-F",
                "a-f4-le-C",
                "a-f4-le-F",
                "a-f4-be-C",
                "a-f4-be-F",
                "a-u1-le-C",
                "a-u1-le-F"
            })
    void everyByteAndMemoryOrderReadsAsTheSameCOrderedArray(String name) throws Exception {
        Npy.Array a = Npy.read(npy(name + ".npy"));
        assertArrayEquals(new long[] {2, 3, 4}, a.shape());
        double offset = name.contains("u1") ? 0 : 5.5;
        double[] v = a.asDoubles();
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 3; j++) {
                for (int k = 0; k < 4; k++) {
                    assertEquals(12 * i + 4 * j + k - offset, v[(i * 3 + j) * 4 + k], 0, name);
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"stats-savez.npz", "stats-compressed.npz", "stats-float32.npz"})
    void pytorchFidAndCleanFidStatisticsRead(String name) throws Exception {
        Gaussian g = Gaussian.load(npy(name));
        assertArrayEquals(new double[] {0.5, -1.25, 2.0}, g.mu(), 1e-7);
        assertArrayEquals(new double[] {2.0, 0.5, 0.1, 0.5, 1.0, 0.2, 0.1, 0.2, 3.0}, g.sigma(), 1e-7);
    }

    @Test
    void nonFiniteStatisticsAndSamplesNameTheFileAndTheArray() throws Exception {
        IOException nan = assertThrows(Npy.NonFiniteException.class, () -> Gaussian.load(npy("stats-nan.npz")));
        assertTrue(
                nan.getMessage().contains("stats-nan.npz")
                        && nan.getMessage().contains("array 'mu' holds NaN at index [1]"),
                nan.getMessage());
        IOException inf = assertThrows(Npy.NonFiniteException.class, () -> Gaussian.load(npy("stats-inf.npz")));
        assertTrue(inf.getMessage().contains("'sigma' holds Infinity at index [2, 0]"), inf.getMessage());
        IOException samples =
                assertThrows(Npy.NonFiniteException.class, () -> ImageSource.open(npy("samples-nan.npy")));
        assertTrue(
                samples.getMessage().contains("samples-nan.npy")
                        && samples.getMessage().contains("'samples' holds NaN at index [1, 0, 2, 3]"),
                samples.getMessage());
    }

    @Test
    void otherDtypesAreRefusedNamingFileKeyAndDtype() throws Exception {
        IOException e = assertThrows(IOException.class, () -> Gaussian.load(npy("stats-int64.npz")));
        assertTrue(
                e.getMessage().contains("stats-int64.npz, key 'mu'")
                        && e.getMessage().contains("unsupported dtype '<i8' (int64)"),
                e.getMessage());
        for (String[] c : new String[][] {
            {"int16.npy", "'<i2' (int16)"},
            {"bool.npy", "'|b1' (bool)"},
            {"complex.npy", "'<c16' (complex128)"},
            {"object.npy", "'|O' (object)"}
        }) {
            IOException refused = assertThrows(IOException.class, () -> Npy.read(npy(c[0])));
            assertTrue(
                    refused.getMessage().contains(c[0]) && refused.getMessage().contains("unsupported dtype " + c[1]),
                    refused.getMessage());
        }
    }
}
