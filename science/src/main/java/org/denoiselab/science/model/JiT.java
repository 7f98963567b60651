package org.denoiselab.science.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.denoiselab.science.tensor.Scalars;
import org.denoiselab.science.tensor.Tensors;

/**
 * JiT, "Just image Transformer" (Li and He 2025, Sec. 4; the official code's model_jit.py, class JiT): a
 * plain Transformer on pixel patches. Patchify C x H x W into (H/p)(W/p) tokens of dimension C p p,
 * bottleneck patch embedding (Linear C p p -> r without bias, Linear r -> hidden; r = 0 means one Linear),
 * fixed 2-D sin-cos positions, adaLN-Zero blocks conditioned on MLP(256 sinusoidal features of t) + the
 * label embedding (classes + 1 rows, the last is the null class), adaLN final layer, unpatchify. This is
 * DESIGN.md's baseline block (LayerNorm, GELU MLP), which ../shared/reference/jit_torch.py also runs; one
 * implementation serves every patch size and prediction target.
 *
 * <p>Shapes: z [B, C, H, W] and the output alike; t [B] (flow time in [0, 1], t = 0 noise); labels [B]
 * int64. Parameters carry the official code's names ({@code blocks.3.attn.qkv.weight}); the GELU MLP
 * takes DiT's {@code mlp.fc1/fc2}, which the official SwiGLU code replaces.
 */
public final class JiT extends Denoiser {
    // parameter names of the official JiT code (model_jit.py) where a counterpart exists; the GELU MLP
    // takes timm's Mlp names (DiT's), and without a bottleneck the patch embedding DiT's PatchEmbed's
    static final String EMBED_1 = "x_embedder.proj1.weight";
    static final String EMBED_2 = "x_embedder.proj2.weight";
    static final String EMBED_2_BIAS = "x_embedder.proj2.bias";
    static final String EMBED = "x_embedder.proj.weight";
    static final String EMBED_BIAS = "x_embedder.proj.bias";
    /** the class embedding table (classes + 1 rows, the last the null class) */
    public static final String LABEL_TABLE = "y_embedder.embedding_table.weight";

    private static final float LN_EPS = 1e-6f;
    private static final int TIME_FEATURES = 256;

    private final String sizeName;
    private final int depth;
    private final int hidden;
    private final int heads;
    private final int channels;
    private final int height;
    private final int width;
    private final int patch;
    private final int bottleneck;
    private final int headDim;
    // constants (no gradient, PyTorch-owned, made once): positions, LayerNorm gamma/beta, time
    // frequencies, the attention scale 1/sqrt(head dim)
    private final NDArray positions;
    private final NDArray lnOnes;
    private final NDArray lnZeros;
    private final NDArray timeFreqs;
    private final NDArray attentionScale;

    public JiT(
            NDManager parent,
            JitSize size,
            int channels,
            int height,
            int width,
            int patch,
            int bottleneck,
            int numClasses,
            long seed) {
        this(
                parent,
                size.name(),
                size.depth,
                size.hidden,
                size.heads,
                channels,
                height,
                width,
                patch,
                bottleneck,
                numClasses,
                seed);
    }

    /**
     * A JiT of any depth, width and head count (requests name a {@link JitSize}; small custom sizes serve
     * tests and the PyTorch parity fixtures).
     *
     * @throws IllegalArgumentException when the patch does not divide the image, or heads the width
     */
    public JiT(
            NDManager parent,
            String sizeName,
            int depth,
            int hidden,
            int heads,
            int channels,
            int height,
            int width,
            int patch,
            int bottleneck,
            int numClasses,
            long seed) {
        super(parent, numClasses, new int[] {channels, height, width});
        if (patch <= 0 || height % patch != 0 || width % patch != 0) {
            throw new IllegalArgumentException(
                    "patch " + patch + " does not divide the image size " + height + "x" + width);
        }
        if (hidden % heads != 0) {
            throw new IllegalArgumentException("hidden " + hidden + " is not divisible by heads " + heads);
        }
        this.sizeName = sizeName;
        this.depth = depth;
        this.hidden = hidden;
        this.heads = heads;
        this.channels = channels;
        this.height = height;
        this.width = width;
        this.patch = patch;
        this.bottleneck = bottleneck;
        this.headDim = hidden / heads;
        int h = hidden;
        int tokens = (height / patch) * (width / patch);
        int patchDim = channels * patch * patch;

        positions = Tensors.of(manager, positionTable(height / patch, width / patch, h), new Shape(1, tokens, h));
        lnOnes = manager.ones(new Shape(h));
        lnZeros = manager.zeros(new Shape(h));
        timeFreqs = Ops.timeFrequencyRow(manager, TIME_FEATURES);
        attentionScale = Scalars.constant(manager, 1.0 / Math.sqrt(headDim), DataType.FLOAT32);

        Init init = new Init(seed);
        // the patch embedding runs as Linear layers on patchified tokens; checkpoints store the official
        // code's Conv2d weights (same values, shapes [out, C, p, p] and [out, r, 1, 1])
        if (bottleneck > 0) {
            params.add(
                    EMBED_1,
                    init.xavier(bottleneck, patchDim),
                    new Shape(bottleneck, patchDim),
                    new Shape(bottleneck, channels, patch, patch));
            params.add(EMBED_2, init.xavier(h, bottleneck), new Shape(h, bottleneck), new Shape(h, bottleneck, 1, 1));
            params.add(EMBED_2_BIAS, Init.zeros(h), new Shape(h));
        } else {
            params.add(EMBED, init.xavier(h, patchDim), new Shape(h, patchDim), new Shape(h, channels, patch, patch));
            params.add(EMBED_BIAS, Init.zeros(h), new Shape(h));
        }
        params.add("t_embedder.mlp.0.weight", init.normal(h * TIME_FEATURES, 0.02), new Shape(h, TIME_FEATURES));
        params.add("t_embedder.mlp.0.bias", Init.zeros(h), new Shape(h));
        params.add("t_embedder.mlp.2.weight", init.normal(h * h, 0.02), new Shape(h, h));
        params.add("t_embedder.mlp.2.bias", Init.zeros(h), new Shape(h));
        params.add(LABEL_TABLE, init.normal((numClasses + 1) * h, 0.02), new Shape(numClasses + 1, h));
        for (int i = 0; i < depth; i++) {
            String p = block(i);
            params.add(p + "adaLN_modulation.1.weight", Init.zeros(6 * h * h), new Shape(6 * h, h));
            params.add(p + "adaLN_modulation.1.bias", Init.zeros(6 * h), new Shape(6 * h));
            params.add(p + "attn.qkv.weight", init.xavier(3 * h, h), new Shape(3 * h, h));
            params.add(p + "attn.qkv.bias", Init.zeros(3 * h), new Shape(3 * h));
            params.add(p + "attn.proj.weight", init.xavier(h, h), new Shape(h, h));
            params.add(p + "attn.proj.bias", Init.zeros(h), new Shape(h));
            params.add(p + "mlp.fc1.weight", init.xavier(4 * h, h), new Shape(4 * h, h));
            params.add(p + "mlp.fc1.bias", Init.zeros(4 * h), new Shape(4 * h));
            params.add(p + "mlp.fc2.weight", init.xavier(h, 4 * h), new Shape(h, 4 * h));
            params.add(p + "mlp.fc2.bias", Init.zeros(h), new Shape(h));
        }
        params.add("final_layer.adaLN_modulation.1.weight", Init.zeros(2 * h * h), new Shape(2 * h, h));
        params.add("final_layer.adaLN_modulation.1.bias", Init.zeros(2 * h), new Shape(2 * h));
        params.add("final_layer.linear.weight", Init.zeros(patchDim * h), new Shape(patchDim, h));
        params.add("final_layer.linear.bias", Init.zeros(patchDim), new Shape(patchDim));
    }

    /** the prefix of block i's parameters: "blocks.i." */
    static String block(int i) {
        return "blocks." + i + ".";
    }

    /** sin-cos table for a rows x cols token grid (square grids use Ops.sincos2d directly) */
    private static float[] positionTable(int rows, int cols, int dim) {
        if (rows == cols) {
            return Ops.sincos2d(rows, dim);
        }
        float[] square = Ops.sincos2d(Math.max(rows, cols), dim);
        float[] t = new float[rows * cols * dim];
        int side = Math.max(rows, cols);
        for (int r = 0; r < rows; r++) {
            System.arraycopy(square, r * side * dim, t, r * cols * dim, cols * dim);
        }
        return t;
    }

    /** the label embedding [B, hidden] */
    @Override
    public NDArray classCondition(ParamSet w, NDArray labels) {
        return Ops.embedding(labels, w.get(LABEL_TABLE));
    }

    @Override
    public NDArray forwardConditioned(ParamSet w, NDArray z, NDArray t, NDArray labelEmbedding) {
        long b = z.getShape().get(0);
        int h = hidden;
        int rows = height / patch;
        int cols = width / patch;

        NDArray tokens = patchify(z, patch);
        NDArray x = bottleneck > 0
                ? Ops.linear(Ops.linear(tokens, w.get(EMBED_1), null), w.get(EMBED_2), w.get(EMBED_2_BIAS))
                : Ops.linear(tokens, w.get(EMBED), w.get(EMBED_BIAS));
        x = x.add(positions);

        NDArray temb = Ops.linear(
                Ops.silu(Ops.linear(
                        Ops.timeFeatures(t, timeFreqs),
                        w.get("t_embedder.mlp.0.weight"),
                        w.get("t_embedder.mlp.0.bias"))),
                w.get("t_embedder.mlp.2.weight"),
                w.get("t_embedder.mlp.2.bias"));
        NDArray c = temb.add(labelEmbedding);
        NDArray cAct = Ops.silu(c);

        for (int i = 0; i < depth; i++) {
            x = block(w, block(i), x, cAct, b, h);
        }

        NDList shiftScale = Ops.linear(
                        cAct,
                        w.get("final_layer.adaLN_modulation.1.weight"),
                        w.get("final_layer.adaLN_modulation.1.bias"))
                .split(2, 1);
        NDArray y = Ops.linear(
                Ops.modulate(Ops.layerNorm(x, lnOnes, lnZeros, LN_EPS), shiftScale.get(0), shiftScale.get(1)),
                w.get("final_layer.linear.weight"),
                w.get("final_layer.linear.bias"));
        return unpatchify(y, channels, height, width, patch);
    }

    /** B x C x H x W to B x (H/p)(W/p) x (C p p): tokens in row-major patch order, each patch channel-major. */
    static NDArray patchify(NDArray z, int p) {
        Shape s = z.getShape();
        long b = s.get(0), c = s.get(1), rows = s.get(2) / p, cols = s.get(3) / p;
        return z.reshape(b, c, rows, p, cols, p).transpose(0, 2, 4, 1, 3, 5).reshape(b, rows * cols, c * p * p);
    }

    /** inverse of {@link #patchify} */
    static NDArray unpatchify(NDArray tokens, int c, int h, int w, int p) {
        long b = tokens.getShape().get(0);
        return tokens.reshape(b, h / p, w / p, c, p, p)
                .transpose(0, 3, 1, 4, 2, 5)
                .reshape(b, c, h, w);
    }

    private NDArray block(ParamSet w, String p, NDArray x, NDArray cAct, long b, int h) {
        NDList ada = Ops.linear(cAct, w.get(p + "adaLN_modulation.1.weight"), w.get(p + "adaLN_modulation.1.bias"))
                .split(6, 1);
        NDArray shift1 = ada.get(0), scale1 = ada.get(1), gate1 = ada.get(2);
        NDArray shift2 = ada.get(3), scale2 = ada.get(4), gate2 = ada.get(5);

        NDArray a = attention(w, p, Ops.modulate(Ops.layerNorm(x, lnOnes, lnZeros, LN_EPS), shift1, scale1), b, h);
        x = x.add(a.mul(gate1.expandDims(1)));

        NDArray m = Ops.modulate(Ops.layerNorm(x, lnOnes, lnZeros, LN_EPS), shift2, scale2);
        m = Ops.linear(
                Ops.gelu(Ops.linear(m, w.get(p + "mlp.fc1.weight"), w.get(p + "mlp.fc1.bias"))),
                w.get(p + "mlp.fc2.weight"),
                w.get(p + "mlp.fc2.bias"));
        return x.add(m.mul(gate2.expandDims(1)));
    }

    private NDArray attention(ParamSet w, String p, NDArray x, long b, int h) {
        long n = x.getShape().get(1);
        NDArray qkv = Ops.linear(x, w.get(p + "attn.qkv.weight"), w.get(p + "attn.qkv.bias"))
                .reshape(b, n, 3, heads, headDim)
                .transpose(2, 0, 3, 1, 4); // 3, B, heads, N, d
        NDList parts = qkv.split(3, 0);
        NDArray q = parts.get(0).squeeze(0);
        NDArray k = parts.get(1).squeeze(0);
        NDArray v = parts.get(2).squeeze(0);
        NDArray scores = q.mul(attentionScale).matMul(k.transpose(0, 1, 3, 2));
        NDArray o = scores.softmax(-1)
                .matMul(v) // B, heads, N, d
                .transpose(0, 2, 1, 3)
                .reshape(b, n, h);
        return Ops.linear(o, w.get(p + "attn.proj.weight"), w.get(p + "attn.proj.bias"));
    }

    @Override
    public String describe() {
        return String.format(
                "JiT-%s patch %d bottleneck %d on %dx%dx%d (%d tokens, %.2fM params)",
                sizeName,
                patch,
                bottleneck,
                channels,
                height,
                width,
                (height / patch) * (width / patch),
                params.count() / 1e6);
    }
}
