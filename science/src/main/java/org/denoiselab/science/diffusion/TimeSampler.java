package org.denoiselab.science.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;

/**
 * How training draws the flow time t in [0, 1] per sample. Randomness comes from the DJL engine, whose
 * seed the trainer sets.
 */
public interface TimeSampler {

    /** n times, shape [n], float32, in the manager given. */
    NDArray sample(NDManager manager, int n);

    /**
     * The sampler a run asks for; mean and std (the reference's P_mean and P_std) are those of the
     * logit and ignored by uniform.
     */
    static TimeSampler of(TimeSampling kind, double mean, double std) {
        return switch (kind) {
            case UNIFORM -> new Uniform();
            case LOGIT_NORMAL -> new LogitNormal(mean, std);
        };
    }

    /** t ~ U[0, 1). */
    record Uniform() implements TimeSampler {
        @Override
        public NDArray sample(NDManager manager, int n) {
            return manager.randomUniform(0f, 1f, new Shape(checkCount(n)), DataType.FLOAT32);
        }
    }

    /** t = sigmoid(mean + std * N(0, 1)); the reference uses mean -0.8, std 0.8 (more weight on noisy t). */
    record LogitNormal(double mean, double std) implements TimeSampler {
        public LogitNormal {
            if (!(std >= 0) || !Double.isFinite(std) || !Double.isFinite(mean)) {
                throw new IllegalArgumentException(
                        "logit-normal time sampling needs a finite mean and std >= 0, got mean " + mean + ", std "
                                + std);
            }
        }

        @Override
        public NDArray sample(NDManager manager, int n) {
            try (NDArray logit =
                    manager.randomNormal((float) mean, (float) std, new Shape(checkCount(n)), DataType.FLOAT32)) {
                return Activation.sigmoid(logit);
            }
        }
    }

    private static int checkCount(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("number of times to sample must be >= 1, got " + n);
        }
        return n;
    }
}
