package org.denoiselab.science.util;

import ai.djl.Device;
import ai.djl.engine.Engine;

/** Picks the compute device through DJL: the first GPU when one is present, the CPU otherwise. */
public final class Engines {
    private Engines() {}

    static {
        // DJL must never download at run time: the native libraries come from the pinned jars.
        System.setProperty("ai.djl.offline", "true");
        System.setProperty("ai.djl.pytorch.graph_optimizer", "false");
    }

    /** The PyTorch engine, loaded once. */
    public static Engine pytorch() {
        return Engine.getEngine("PyTorch");
    }

    /** GPU 0 when DJL sees one, else the CPU; {@code DENOISE_DEVICE=cpu} forces the CPU. */
    public static Device defaultDevice() {
        String forced = System.getenv("DENOISE_DEVICE");
        if ("cpu".equalsIgnoreCase(forced)) {
            return Device.cpu();
        }
        Engine engine = pytorch();
        return engine.getGpuCount() > 0 ? Device.gpu(0) : Device.cpu();
    }
}
