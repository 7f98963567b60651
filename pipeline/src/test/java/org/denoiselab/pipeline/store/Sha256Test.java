package org.denoiselab.pipeline.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Streaming with verification: right bytes go through whole, wrong bytes never arrive complete. */
class Sha256Test {
    private static byte[] bytes(int n) {
        byte[] b = new byte[n];
        new Random(7).nextBytes(b);
        return b;
    }

    @Test
    void rightBytesAreCopiedWhole() throws Exception {
        byte[] big = bytes(200_000);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertEquals(big.length, Sha256.copyVerified("k", new ByteArrayInputStream(big), out, Sha256.hex(big)));
        assertArrayEquals(big, out.toByteArray());
    }

    @Test
    void wrongBytesAreNeverSentWhole() {
        String other = Sha256.hex(new byte[] {1});
        byte[] grid = bytes(30_000);
        ByteArrayOutputStream small = new ByteArrayOutputStream();
        assertThrows(
                ObjectStoreException.ChecksumMismatch.class,
                () -> Sha256.copyVerified("grid.png", new ByteArrayInputStream(grid), small, other));
        assertEquals(0, small.size(), "a small object is not sent at all");
        byte[] big = bytes(200_000);
        ByteArrayOutputStream cut = new ByteArrayOutputStream();
        assertThrows(
                ObjectStoreException.ChecksumMismatch.class,
                () -> Sha256.copyVerified("big", new ByteArrayInputStream(big), cut, other));
        assertTrue(cut.size() < big.length, "a large one is cut short: " + cut.size());
    }
}
