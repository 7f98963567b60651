package org.denoiselab.pipeline.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ObjectLayoutTest {

    @Test
    void keys() {
        assertEquals(
                "runs/exp-1a2b-x-p4/checkpoints/epoch-0003.safetensors", ObjectLayout.checkpoint("exp-1a2b-x-p4", 3));
        assertEquals("runs/exp-1a2b-x-p4/grids/epoch-0003.png", ObjectLayout.grid("exp-1a2b-x-p4", 3));
        assertEquals("runs/exp-1a2b-x-p4/samples/epoch-0012.npy", ObjectLayout.samples("exp-1a2b-x-p4", 12));
        assertEquals("stats/fmnist-classifier.npz", ObjectLayout.stats("fmnist", "classifier"));
        assertEquals("models/fmnist-classifier.params", ObjectLayout.model("fmnist-classifier.params"));
        assertEquals("runs/r1/", ObjectLayout.runPrefix("r1"));
        assertTrue(ObjectLayout.grid("r1", 0).startsWith(ObjectLayout.runPrefix("r1")));
    }

    @Test
    void epochRoundTrips() {
        assertEquals(3, ObjectLayout.epochOf(ObjectLayout.grid("r", 3)));
        assertEquals(10000, ObjectLayout.epochOf(ObjectLayout.checkpoint("r", 10000)));
        assertThrows(IllegalArgumentException.class, () -> ObjectLayout.epochOf("stats/fmnist-classifier.npz"));
    }

    @Test
    void unsafeSegmentsAreRefusedByName() {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> ObjectLayout.grid("../other", 1));
        assertTrue(e.getMessage().startsWith("runId '../other'"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ObjectLayout.checkpoint("a/b", 1));
        assertThrows(IllegalArgumentException.class, () -> ObjectLayout.checkpoint(null, 1));
        assertThrows(IllegalArgumentException.class, () -> ObjectLayout.checkpoint("r", -1));
        assertThrows(IllegalArgumentException.class, () -> ObjectLayout.stats("fmnist", "a b"));
    }
}
