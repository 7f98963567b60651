package org.denoiselab.core.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.Map;
import org.denoiselab.core.model.ParamSet;

/** Exponential moving average of the weights, used for sampling: ema = d * ema + (1 - d) * w. */
public final class Ema implements AutoCloseable {
    private final double decay;
    private final ParamSet weights;

    public Ema(ParamSet live, NDManager parent, double decay) {
        if (!(decay >= 0 && decay < 1)) {
            throw new IllegalArgumentException("ema decay must be in [0, 1), got " + decay);
        }
        this.decay = decay;
        this.weights = live.copy(parent);
    }

    public void update(ParamSet live) {
        try (NDManager scratch = weights.manager().newSubManager()) {
            for (Map.Entry<String, NDArray> e : weights.arrays().entrySet()) {
                NDArray w = live.get(e.getKey());
                NDArray scaled = w.mul(1 - decay);
                scaled.attach(scratch);
                e.getValue().muli(decay).addi(scaled);
            }
        }
    }

    public ParamSet weights() {
        return weights;
    }

    @Override
    public void close() {
        weights.close();
    }
}
