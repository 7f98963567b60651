package org.denoiselab.science.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class InMemoryImagesTest {
    @Test
    void readsSampleIAtItsOffsetAndRefusesArraysThatDoNotFit() {
        float[] pixels = {0, 0.1f, 0.2f, 0.3f, 1, 1.1f, 1.2f, 1.3f}; // two 1 x 2 x 2 samples
        InMemoryImages d = new InMemoryImages("two", 1, 2, 2, 3, pixels, new int[] {2, 0});
        float[] dst = new float[6];
        d.read(1, dst, 2);
        assertArrayEquals(new float[] {0, 0, 1, 1.1f, 1.2f, 1.3f}, dst);
        assertEquals(2, d.size());
        assertEquals(2, d.label(0));

        IllegalArgumentException shape = assertThrows(
                IllegalArgumentException.class, () -> new InMemoryImages("odd", 1, 2, 2, 3, new float[7], new int[2]));
        assertTrue(shape.getMessage().contains("7 pixels are not 2 samples of 1x2x2"), shape.getMessage());
        IllegalArgumentException label = assertThrows(
                IllegalArgumentException.class, () -> new InMemoryImages("bad", 1, 2, 2, 3, pixels, new int[] {0, 3}));
        assertTrue(label.getMessage().contains("label 3 of sample 1"), label.getMessage());
    }
}
