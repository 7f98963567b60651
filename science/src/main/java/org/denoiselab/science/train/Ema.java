package org.denoiselab.science.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.Map;
import org.denoiselab.science.model.ParamSet;
import org.denoiselab.science.tensor.NoGrad;
import org.denoiselab.science.tensor.Scalars;

/**
 * Exponential moving average of the weights, used for sampling: ema = d * ema + (1 - d) * w after each
 * update, with the decay warmed up as d_s = min(decay, s / (s + 1)), s the number of updates before this
 * one. Until its averaging window 1 / (1 - d) reaches the configured one, the EMA is the plain mean of
 * every weight since the first update (d_0 = 0: the initial, zero-initialised weights never count); the
 * configured decay holds from step decay / (1 - decay) on: 0.99 from step 99, 0.9999 from step 9999.
 *
 * <p>Why a warm-up at all: without one a short run's EMA still holds a large share of the initial
 * weights (0.99 after 124 steps: 29%), and a JiT-T patch-4 model sampled blank grids from it. Why this
 * one: the earlier (1 + s) / (10 + s) averaged only the last ~s/9 steps and reached 0.9999 only at step
 * ~90,000, so the cifar10 preset (39,000 steps) ended at 0.99977 instead of its configured 0.9999. The
 * reference code keeps no warm-up (its runs are long enough not to need one).
 */
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

    /** decay used for the update that follows {@code step} completed updates */
    double decayAt(long step) {
        return Math.min(decay, step / (step + 1.0));
    }

    /** @param step number of optimizer updates done before this one (0 for the first) */
    public void update(ParamSet live, long step) {
        double decay = decayAt(step);
        try (NoGrad ignored = NoGrad.enter();
                NDManager scratch = weights.manager().newSubManager()) {
            for (Map.Entry<String, NDArray> e : weights.arrays().entrySet()) {
                NDArray w = live.get(e.getKey());
                NDArray scaled = Scalars.mul(w, 1 - decay);
                scaled.attach(scratch);
                Scalars.muli(e.getValue(), decay).addi(scaled);
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
