package org.denoiselab.science.util;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.engine.StandardCapabilities;

/**
 * Picks the compute device through DJL: the first GPU when one is present, the CPU otherwise; or, once
 * {@link #requireGpu()} was called (a GPU trainer), a GPU or an error, never the CPU.
 */
public final class Engines {
    private Engines() {}

    /** set by {@link #requireGpu()}: from then on {@link #defaultDevice()} never falls back to the CPU */
    private static volatile boolean gpuRequired;

    static {
        // DJL must never download at run time: the native libraries come from the pinned jars.
        System.setProperty("ai.djl.offline", "true");
        System.setProperty("ai.djl.pytorch.graph_optimizer", "false");
    }

    /** The PyTorch engine, loaded once. */
    public static Engine pytorch() {
        return Engine.getEngine("PyTorch");
    }

    /**
     * GPU 0 when DJL sees one, else the CPU; {@code DENOISE_DEVICE=cpu} forces the CPU.
     *
     * @throws IllegalStateException after {@link #requireGpu()}, when there is no GPU (any more) or the CPU is
     *     forced, saying why (see {@link #requireGpu()}): a run fails instead of training on the CPU for days
     */
    public static Device defaultDevice() {
        if (gpuRequired) {
            checkGpu();
            return Device.gpu(0);
        }
        String forced = System.getenv("DENOISE_DEVICE");
        if ("cpu".equalsIgnoreCase(forced)) {
            return Device.cpu();
        }
        Engine engine = pytorch();
        return engine.getGpuCount() > 0 ? Device.gpu(0) : Device.cpu();
    }

    /**
     * Makes this process GPU-only (DENOISE_REQUIRE_GPU=true on a GPU trainer): checks now that PyTorch sees a
     * GPU and that DENOISE_DEVICE does not force the CPU, and from then on makes {@link #defaultDevice()}
     * throw instead of falling back to the CPU.
     *
     * @throws IllegalStateException with one message that says why not: the PyTorch native library's version
     *     and whether it was built with CUDA, CUDA_VISIBLE_DEVICES, NVIDIA_VISIBLE_DEVICES, and what to check
     *     (the image's PyTorch flavor, the pod's nvidia.com/gpu request)
     */
    public static void requireGpu() {
        checkGpu();
        gpuRequired = true;
    }

    private static void checkGpu() {
        String forced = System.getenv("DENOISE_DEVICE");
        if ("cpu".equalsIgnoreCase(forced)) {
            throw new IllegalStateException(
                    "DENOISE_REQUIRE_GPU=true but DENOISE_DEVICE=cpu forces the CPU: unset one of the two");
        }
        Engine engine = pytorch();
        if (engine.getGpuCount() > 0) {
            return;
        }
        throw new IllegalStateException("DENOISE_REQUIRE_GPU=true but PyTorch sees no GPU: native library PyTorch "
                + engine.getVersion()
                + (engine.hasCapability(StandardCapabilities.CUDA) ? " (built with CUDA)" : " (a CPU build, no CUDA)")
                + ", CUDA_VISIBLE_DEVICES=" + System.getenv("CUDA_VISIBLE_DEVICES")
                + ", NVIDIA_VISIBLE_DEVICES=" + System.getenv("NVIDIA_VISIBLE_DEVICES")
                + ", PYTORCH_LIBRARY_PATH=" + System.getenv("PYTORCH_LIBRARY_PATH")
                + "; is the image built from infra/image/Dockerfile.gpu (PyTorch with CUDA) and does the pod"
                + " request nvidia.com/gpu?");
    }
}
