package org.denoiselab.science.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
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

    /**
     * {@code a} in another floating type, owned by {@code owner} (a cast of a weight must not attach to the
     * weights' manager); {@code a} itself when it has the type already. Differentiable: the gradient comes
     * back in {@code a}'s type.
     *
     * <p>Why a cumulative product: DJL's {@code toType} runs PyTorch's {@code Tensor.to} under a
     * NoGradGuard (ai_djl_pytorch_jni_PyTorchLibrary_tensor.cc, torchTo), so a cast made with it cuts the
     * graph. {@code cumprod(dim, dtype)} over a new axis of size 1 is the identity in the new type, is
     * recorded by autograd, and its backward (FunctionsManual.cpp, cumprod_backward: size-1 dim) returns
     * the gradient cast back.
     */
    public static NDArray cast(NDArray a, ai.djl.ndarray.types.DataType type, NDManager owner) {
        if (a.getDataType() == type) {
            return a;
        }
        int axis = a.getShape().dimension();
        NDArray c = a.expandDims(axis).cumProd(axis, type).squeeze(axis);
        c.attach(owner);
        return c;
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

    /**
     * RMSNorm over the last axis (Zhang and Sennrich 2019; the official code's RMSNorm):
     * x / sqrt(mean(x^2) + eps) * weight.
     *
     * @param weight the learned scale [D], or null for none
     */
    public static NDArray rmsNorm(NDArray x, NDArray weight, double eps) {
        int last = x.getShape().dimension() - 1;
        NDArray meanSquare = x.square().mean(new int[] {last}, true);
        NDArray normed = x.mul(Scalars.pow(Scalars.add(meanSquare, eps), -0.5));
        return weight == null ? normed : normed.mul(weight);
    }

    /**
     * Rotary position embedding applied as x * cos + rotate_half(x) * sin, where rotate_half turns each
     * interleaved pair (x1, x2) into (-x2, x1) (EVA-02's VisionRotaryEmbeddingFast, which the official JiT
     * code uses).
     *
     * @param x   [..., N, d] with d even
     * @param cos [N, d], sin [N, d]: see {@link #rotaryTables}
     */
    public static NDArray rotary(NDArray x, NDArray cos, NDArray sin) {
        Shape s = x.getShape();
        int dims = s.dimension();
        long d = s.get(dims - 1);
        long[] pairs = new long[dims + 1];
        for (int i = 0; i < dims - 1; i++) {
            pairs[i] = s.get(i);
        }
        pairs[dims - 1] = d / 2;
        pairs[dims] = 2;
        NDList halves = x.reshape(new Shape(pairs)).split(2, dims); // DJL's split takes no negative axis
        NDArray rotated = halves.get(1).neg().concat(halves.get(0), dims).reshape(s);
        return x.mul(cos).add(rotated.mul(sin));
    }

    /**
     * cos and sin tables [prefix + rows * cols, headDim] of the 2-D axial rotary embedding (theta 10000,
     * half the head dimension per axis): the first half of each row rotates by the token's row, the second
     * half by its column, with frequencies theta^(-2j / (headDim / 2)) each repeated for an interleaved
     * pair; {@code prefix} leading tokens (in-context class tokens) get cos 1, sin 0, i.e. no rotation.
     * Tokens are in row-major patch order.
     *
     * @return {cos, sin} as float arrays of that shape, row-major
     * @throws IllegalArgumentException when headDim is not a multiple of 4
     */
    public static float[][] rotaryTables(int rows, int cols, int headDim, int prefix, double theta) {
        if (headDim % 4 != 0) {
            throw new IllegalArgumentException(
                    "rotary embedding needs a head dimension divisible by 4, got " + headDim);
        }
        int half = headDim / 2;
        int n = prefix + rows * cols;
        float[] cos = new float[n * headDim];
        float[] sin = new float[n * headDim];
        java.util.Arrays.fill(cos, 0, prefix * headDim, 1f);
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                int base = (prefix + r * cols + c) * headDim;
                for (int j = 0; j < half / 2; j++) {
                    double freq = Math.pow(theta, -(2.0 * j) / half);
                    double aRow = r * freq;
                    double aCol = c * freq;
                    for (int k = 0; k < 2; k++) {
                        cos[base + 2 * j + k] = (float) Math.cos(aRow);
                        sin[base + 2 * j + k] = (float) Math.sin(aRow);
                        cos[base + half + 2 * j + k] = (float) Math.cos(aCol);
                        sin[base + half + 2 * j + k] = (float) Math.sin(aCol);
                    }
                }
            }
        }
        return new float[][] {cos, sin};
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
