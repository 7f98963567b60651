package org.denoiselab.science.diffusion;

import ai.djl.ndarray.NDArray;

/**
 * The denoiser as the diffusion math sees it: raw network output for noisy input z (B x ...) at
 * times t (shape [B], flow time in [0, 1], t = 0 is noise). Class labels, guidance and the model
 * itself are closed over by whoever builds the function.
 */
@FunctionalInterface
public interface Network {
    /**
     * @param z noisy samples [B, ...]
     * @param t flow times [B]
     * @return the raw output, shape of z, in z's manager
     */
    NDArray apply(NDArray z, NDArray t);

    /**
     * The same call when every sample is at the one time {@code time} (what the samplers do): a network
     * that depends on the time's value, such as guidance restricted to an interval, reads it here
     * instead of copying t back from the device.
     */
    default NDArray apply(NDArray z, NDArray t, double time) {
        return apply(z, t);
    }
}
