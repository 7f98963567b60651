package org.denoiselab.science.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import org.denoiselab.science.tensor.Scalars;

/**
 * Flow-matching math (JiT form, t = 0 is noise, t = 1 is data): the interpolation, every conversion
 * between the three prediction targets, and the loss in any space. This is the only place that knows
 * the target formulas; training and sampling both go through it. DESIGN.md, "The science"; the paper's
 * Sec. 3 and Table 1; reference denoiser.py, Denoiser.forward / _forward_sample.
 *
 * <p>All arrays are batch-first; t has shape [B] and is broadcast over the remaining dimensions of z.
 * Results (and their temporaries) land in the manager of the inputs, so callers scope them. Every Java
 * number reaches the tensors through {@link Scalars} (PyTorch-owned constants).
 */
public final class FlowMatching {
    /**
     * t_eps: the floor for the denominators 1 - t and t (reference: {@code (1 - t).clamp_min(t_eps)},
     * t_eps = 0.05).
     */
    public static final float T_EPS = 0.05f;

    private FlowMatching() {}

    /** z = t x + (1 - t) e. */
    public static NDArray interpolate(NDArray x, NDArray e, NDArray t) {
        NDArray tb = perSample(t, x);
        return x.mul(tb).add(e.mul(oneMinus(tb)));
    }

    /** The clean-data estimate x̂ from the raw output of a network predicting {@code pred}. */
    public static NDArray toX(Prediction pred, NDArray out, NDArray z, NDArray t) {
        NDArray tb = perSample(t, z);
        switch (pred) {
            case X:
                return out;
            case EPS:
                return z.sub(out.mul(oneMinus(tb))).div(atLeastTEps(tb));
            case V:
                return out.mul(oneMinus(tb)).add(z);
            default:
                throw unknown(pred);
        }
    }

    /** The noise estimate ê from the raw output of a network predicting {@code pred}. */
    public static NDArray toEps(Prediction pred, NDArray out, NDArray z, NDArray t) {
        NDArray tb = perSample(t, z);
        switch (pred) {
            case X:
                return z.sub(out.mul(tb)).div(atLeastTEps(oneMinus(tb)));
            case EPS:
                return out;
            case V:
                return z.sub(out.mul(tb));
            default:
                throw unknown(pred);
        }
    }

    /** The velocity estimate v̂ = x̂ - ê (what the sampler integrates) from a network predicting {@code pred}. */
    public static NDArray toV(Prediction pred, NDArray out, NDArray z, NDArray t) {
        NDArray tb = perSample(t, z);
        switch (pred) {
            case X:
                return out.sub(z).div(atLeastTEps(oneMinus(tb)));
            case EPS:
                return z.sub(out).div(atLeastTEps(tb));
            case V:
                return out;
            default:
                throw unknown(pred);
        }
    }

    /** Converts a raw output of a {@code from}-predicting network into the {@code to} space ({@code out} itself when equal). */
    public static NDArray convert(Prediction from, Prediction to, NDArray out, NDArray z, NDArray t) {
        switch (to) {
            case X:
                return toX(from, out, z, t);
            case EPS:
                return toEps(from, out, z, t);
            case V:
                return toV(from, out, z, t);
            default:
                throw unknown(to);
        }
    }

    /**
     * Mean squared error, measured in {@code space}, between the prediction of a {@code pred}-network and
     * its target; scalar and differentiable; any of the nine combinations (the paper's Table 1).
     *
     * <p>The target is the true value of what the network predicts (x, e, or v = x - e) taken through the
     * same clamped conversion as the prediction, as the reference does for x-prediction with v-loss
     * ({@code v = (x - z) / (1 - t).clamp_min(t_eps)}, beside {@code v_pred = (x_pred - z) / ...}). A
     * perfect predictor therefore has zero loss at every t, also where t or 1 - t is below t_eps.
     *
     * @param out the raw network output, shape of z
     * @param x   the clean data, e the noise, z = interpolate(x, e, t), t of shape [B]
     * @return a 0-d tensor in the manager of out
     */
    public static NDArray loss(
            Prediction pred, LossSpace space, NDArray out, NDArray x, NDArray e, NDArray z, NDArray t) {
        NDArray predicted = convert(pred, space.quantity(), out, z, t);
        NDArray truth;
        switch (pred) {
            case X:
                truth = x;
                break;
            case EPS:
                truth = e;
                break;
            case V:
                truth = x.sub(e);
                break;
            default:
                throw unknown(pred);
        }
        return mse(predicted, convert(pred, space.quantity(), truth, z, t));
    }

    /** Mean over all elements of (a - b)^2, a scalar. */
    public static NDArray mse(NDArray a, NDArray b) {
        return a.sub(b).square().mean();
    }

    /** t of shape [B] reshaped to [B, 1, ..., 1] so that it broadcasts over the sample dimensions of {@code like}. */
    static NDArray perSample(NDArray t, NDArray like) {
        Shape ts = t.getShape();
        Shape zs = like.getShape();
        if (ts.dimension() != 1 || zs.dimension() < 1 || ts.get(0) != zs.get(0)) {
            throw new IllegalArgumentException(
                    "time t must have shape [B] matching the batch of z " + zs + ", got " + ts);
        }
        long[] dims = new long[zs.dimension()];
        java.util.Arrays.fill(dims, 1L);
        dims[0] = ts.get(0);
        return t.reshape(new Shape(dims));
    }

    private static NDArray oneMinus(NDArray tb) {
        return Scalars.rsub(1, tb);
    }

    private static NDArray atLeastTEps(NDArray a) {
        return Scalars.maximum(a, T_EPS);
    }

    private static IllegalArgumentException unknown(Prediction target) {
        return new IllegalArgumentException("unsupported target " + target);
    }
}
