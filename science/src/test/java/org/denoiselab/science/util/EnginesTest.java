package org.denoiselab.science.util;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

class EnginesTest {
    @Test
    void cpuEngineLoadsOfflineAndComputes() {
        Device device = Engines.defaultDevice();
        assertEquals(Device.cpu(), device, "no GPU on the test machines");
        try (NDManager manager = NDManager.newBaseManager(device, "PyTorch")) {
            NDArray a = manager.create(new float[] {1, 2, 3, 4}, new Shape(2, 2));
            // [[1,2],[3,4]] x its transpose = [[5,11],[11,25]], sum 52
            assertEquals(52f, a.matMul(a.transpose()).sum().getFloat(), 1e-6f);
        }
    }
}
