package org.denoiselab.core.diffusion;

import ai.djl.ndarray.NDArray;

/**
 * The denoiser as the diffusion math sees it: raw network output for noisy input z (B x ...) at
 * times t (shape [B], flow time in [0, 1], t = 0 is noise). Class labels, guidance and the model
 * itself are closed over by whoever builds the function.
 */
@FunctionalInterface
public interface Network {
    NDArray apply(NDArray z, NDArray t);
}
