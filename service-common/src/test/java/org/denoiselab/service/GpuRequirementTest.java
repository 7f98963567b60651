package org.denoiselab.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import org.denoiselab.science.util.Engines;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * DENOISE_REQUIRE_GPU=true (Pipeline.connect calls Engines.requireGpu before any consumer starts) on a
 * machine without a GPU: start-up stops with one message that says why and what to check.
 */
class GpuRequirementTest {
    @Test
    void withoutAGpuTheRequirementStopsStartUpSayingWhy() {
        Assumptions.assumeTrue(
                Engines.pytorch().getGpuCount() == 0, "this machine has a GPU: the requirement holds here");
        IllegalStateException e = assertThrows(IllegalStateException.class, Engines::requireGpu);
        String m = e.getMessage();
        assertTrue(m.startsWith("DENOISE_REQUIRE_GPU=true but "), m);
        if (!"cpu".equalsIgnoreCase(System.getenv("DENOISE_DEVICE"))) {
            assertTrue(m.contains("PyTorch sees no GPU: native library PyTorch "), m);
            assertTrue(m.contains("CUDA_VISIBLE_DEVICES=") && m.contains("NVIDIA_VISIBLE_DEVICES="), m);
            assertTrue(m.contains("PYTORCH_LIBRARY_PATH="), m);
            assertTrue(m.contains("infra/image/Dockerfile.gpu") && m.contains("nvidia.com/gpu"), m);
        }
        // a failed requirement changes nothing: without it the CPU is still the fallback
        assertEquals(Device.cpu(), Engines.defaultDevice());
    }
}
