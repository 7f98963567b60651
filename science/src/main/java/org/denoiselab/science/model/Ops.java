package org.denoiselab.science.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import org.denoiselab.science.tensor.Scalars;
import org.denoiselab.science.tensor.Tensors;

/**
 * Functional layers on NDArrays. DJL attaches a result to the manager of the array the op is called on,
 * so every op here is invoked on the activation (which lives in the per-step manager) and never on a
 * weight: intermediates die with the step and weights stay put.
 */
public final class Ops {
    private Ops() {}

    /** x W^T + b (b may be null), one fused addmm. */
    public static NDArray linear(NDArray x, NDArray w, NDArray b) {
        return x.getNDArrayInternal().linear(x, w, b).singletonOrThrow();
    }

    /** LayerNorm over the last axis without learned affine (gamma 1, beta 0 are constants). */
    public static NDArray layerNorm(NDArray x, NDArray ones, NDArray zeros, float eps) {
        long d = x.getShape().get(x.getShape().dimension() - 1);
        return x.getNDArrayInternal()
                .layerNorm(x, new Shape(d), ones, zeros, eps)
                .singletonOrThrow();
    }

    /**
     * GELU, exact (erf) form, as one fused kernel. DESIGN.md names the tanh approximation; DJL's JNI exposes
     * only the exact kernel, and composing the tanh form from six element-wise ops (forward and backward)
     * cost 25% of a JiT-T training step on the CPU (80.6 vs 104 img/s, cifar patch 4, batch 128). The two
     * functions differ by less than 5e-4 everywhere (OpsTest checks the bound).
     */
    public static NDArray gelu(NDArray x) {
        return Activation.gelu(x);
    }

    public static NDArray silu(NDArray x) {
        return Activation.sigmoid(x).mul(x);
    }

    /** x * (1 + scale) + shift with scale, shift of shape [B, D] broadcast over tokens of x [B, N, D]. */
    public static NDArray modulate(NDArray x, NDArray shift, NDArray scale) {
        return x.mul(Scalars.add(scale.expandDims(1), 1)).addi(shift.expandDims(1));
    }

    /** Gather rows of an embedding table for integer labels [B]. */
    public static NDArray embedding(NDArray labels, NDArray table) {
        return labels.getNDArrayInternal()
                .embedding(labels, table, ai.djl.ndarray.types.SparseFormat.DENSE)
                .singletonOrThrow();
    }

    /**
     * 256 (or dim) sinusoidal features of the raw time t in [0, 1]: [cos(t f_i), sin(t f_i)] with
     * f_i = exp(-ln(10000) i / (dim / 2)).
     *
     * @param t     times, shape [B]
     * @param freqs the frequencies as a [1, dim / 2] row (made once per model: an op called on a model
     *              constant would attach its result to the model's manager at every forward)
     * @return [B, dim] in t's manager
     */
    public static NDArray timeFeatures(NDArray t, NDArray freqs) {
        NDArray args = t.reshape(-1, 1).mul(freqs);
        return args.cos().concat(args.sin(), 1);
    }

    /** {@link #timeFrequencies(int)} as the PyTorch-owned [1, dim / 2] row that {@link #timeFeatures} takes. */
    public static NDArray timeFrequencyRow(NDManager manager, int dim) {
        float[] f = timeFrequencies(dim);
        return Tensors.of(manager, f, new Shape(1, f.length));
    }

    public static float[] timeFrequencies(int dim) {
        int half = dim / 2;
        float[] f = new float[half];
        for (int i = 0; i < half; i++) {
            f[i] = (float) Math.exp(-Math.log(10000) * i / half);
        }
        return f;
    }

    /**
     * Fixed 2-D sin-cos position table [side*side, dim]: the first half of the channels encodes the row,
     * the second half the column; each half is [sin, cos] of pos * omega_j with
     * omega_j = 10000^(-j / (dim / 4)).
     */
    public static float[] sincos2d(int side, int dim) {
        if (dim % 4 != 0) {
            throw new IllegalArgumentException(
                    "hidden size " + dim + " must be a multiple of 4 for 2-D sin-cos positions");
        }
        int quarter = dim / 4;
        float[] table = new float[side * side * dim];
        for (int r = 0; r < side; r++) {
            for (int c = 0; c < side; c++) {
                int base = (r * side + c) * dim;
                for (int j = 0; j < quarter; j++) {
                    double omega = Math.pow(10000, -(double) j / quarter);
                    table[base + j] = (float) Math.sin(r * omega);
                    table[base + quarter + j] = (float) Math.cos(r * omega);
                    table[base + 2 * quarter + j] = (float) Math.sin(c * omega);
                    table[base + 3 * quarter + j] = (float) Math.cos(c * omega);
                }
            }
        }
        return table;
    }
}
