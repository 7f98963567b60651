package org.denoiselab.science.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.norm.Dropout;
import ai.djl.pytorch.jni.JniUtils;
import java.util.List;
import org.denoiselab.science.tensor.Scalars;
import org.denoiselab.science.tensor.Scoped;
import org.denoiselab.science.tensor.Tensors;

/**
 * JiT, "Just image Transformer" (Li and He 2025, Sec. 4; the official code's model_jit.py, class JiT): a
 * plain Transformer on pixel patches. Patchify C x H x W into (H/p)(W/p) tokens of dimension C p p,
 * bottleneck patch embedding (Linear C p p -> r without bias, Linear r -> hidden; r = 0 means one Linear),
 * fixed 2-D sin-cos positions, adaLN-Zero blocks conditioned on MLP(256 sinusoidal features of t) + the
 * label embedding (classes + 1 rows, the last is the null class), adaLN final layer, unpatchify. One
 * implementation serves every patch size, prediction target and block ({@link JitBlock}): DESIGN.md's
 * baseline (LayerNorm, GELU MLP; what ../shared/reference/jit_torch.py runs), the paper's JiT (RMSNorm,
 * SwiGLU, qk-norm, 2-D RoPE, 32 in-context class tokens), or any mix for its Table 4.
 *
 * <p>Shapes: z [B, C, H, W] and the output alike; t [B] (flow time in [0, 1], t = 0 noise); labels [B]
 * int64. Parameters carry the official code's names ({@code blocks.3.attn.qkv.weight}); the GELU MLP
 * takes DiT's {@code mlp.fc1/fc2}, which the official SwiGLU code replaces by {@code mlp.w12/w3}.
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

    static final String IN_CONTEXT_POSITIONS = "in_context_posemb";
    private static final float NORM_EPS = 1e-6f;
    private static final int TIME_FEATURES = 256;
    private static final double ROPE_THETA = 10000;

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
    private final JitBlock blockSpec;
    private final int inContextStart;
    private final int mlpHidden;
    // constants (no gradient, PyTorch-owned, made once): positions, LayerNorm gamma/beta, time
    // frequencies, the attention scale 1/sqrt(head dim), rotary tables without and with the class tokens
    private final NDArray positions;
    private final NDArray lnOnes;
    private final NDArray lnZeros;
    private final NDArray timeFreqs;
    private final NDArray attentionScale;
    private final NDArray[] rope;
    private final NDArray[] ropeInContext;
    /** dropout is applied only while training */
    private volatile boolean training;
    /** the type of matrix products and attention (FP32, or FP16 on half copies of the FP32 weights) */
    private volatile DataType compute = DataType.FLOAT32;

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
        this(parent, size, JitBlock.BASELINE, channels, height, width, patch, bottleneck, numClasses, seed);
    }

    public JiT(
            NDManager parent,
            JitSize size,
            JitBlock block,
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
                size.inContextStart,
                block,
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
     * @param inContextStart the block at which in-context class tokens join (ignored without them)
     * @throws IllegalArgumentException when the patch does not divide the image, heads the width, or the
     *                                  rotary embedding cannot split the head dimension
     */
    public JiT(
            NDManager parent,
            String sizeName,
            int depth,
            int hidden,
            int heads,
            int inContextStart,
            JitBlock block,
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
        if (block.inContextTokens() > 0 && (inContextStart < 0 || inContextStart >= depth)) {
            throw new IllegalArgumentException(
                    "in-context tokens join at block " + inContextStart + ", outside 0.." + (depth - 1));
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
        this.blockSpec = block;
        this.inContextStart = inContextStart;
        this.mlpHidden = block.feedForward() == FeedForward.SWIGLU ? (int) (4 * hidden * 2 / 3.0) : 4 * hidden;
        int h = hidden;
        int rows = height / patch;
        int cols = width / patch;
        int tokens = rows * cols;
        int patchDim = channels * patch * patch;

        // the baseline keeps jit_torch.py's table (rows in the first half of the channels); the paper's
        // variant takes the official code's (get_2d_sincos_pos_embed puts the column first)
        boolean columnsFirst = !block.matchesBaseline();
        positions = Tensors.of(manager, positionTable(rows, cols, h, columnsFirst), new Shape(1, tokens, h));
        lnOnes = manager.ones(new Shape(h));
        lnZeros = manager.zeros(new Shape(h));
        timeFreqs = Ops.timeFrequencyRow(manager, TIME_FEATURES);
        attentionScale = Scalars.constant(manager, 1.0 / Math.sqrt(headDim), DataType.FLOAT32);
        rope = block.rope() ? ropeTables(rows, cols, 0) : null;
        ropeInContext =
                block.rope() && block.inContextTokens() > 0 ? ropeTables(rows, cols, block.inContextTokens()) : rope;

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
        if (block.inContextTokens() > 0) {
            int n = block.inContextTokens();
            params.add(IN_CONTEXT_POSITIONS, init.normal(n * h, 0.02), new Shape(1, n, h));
        }
        for (int i = 0; i < depth; i++) {
            String p = block(i);
            if (block.norm() == Norm.RMSNORM) {
                params.add(p + "norm1.weight", Init.ones(h), new Shape(h));
            }
            params.add(p + "adaLN_modulation.1.weight", Init.zeros(6 * h * h), new Shape(6 * h, h));
            params.add(p + "adaLN_modulation.1.bias", Init.zeros(6 * h), new Shape(6 * h));
            params.add(p + "attn.qkv.weight", init.xavier(3 * h, h), new Shape(3 * h, h));
            params.add(p + "attn.qkv.bias", Init.zeros(3 * h), new Shape(3 * h));
            if (block.qkNorm()) {
                params.add(p + "attn.q_norm.weight", Init.ones(headDim), new Shape(headDim));
                params.add(p + "attn.k_norm.weight", Init.ones(headDim), new Shape(headDim));
            }
            params.add(p + "attn.proj.weight", init.xavier(h, h), new Shape(h, h));
            params.add(p + "attn.proj.bias", Init.zeros(h), new Shape(h));
            if (block.norm() == Norm.RMSNORM) {
                params.add(p + "norm2.weight", Init.ones(h), new Shape(h));
            }
            if (block.feedForward() == FeedForward.SWIGLU) {
                int m = mlpHidden;
                params.add(p + "mlp.w12.weight", init.xavier(2 * m, h), new Shape(2 * m, h));
                params.add(p + "mlp.w12.bias", Init.zeros(2 * m), new Shape(2 * m));
                params.add(p + "mlp.w3.weight", init.xavier(h, m), new Shape(h, m));
                params.add(p + "mlp.w3.bias", Init.zeros(h), new Shape(h));
            } else {
                params.add(p + "mlp.fc1.weight", init.xavier(4 * h, h), new Shape(4 * h, h));
                params.add(p + "mlp.fc1.bias", Init.zeros(4 * h), new Shape(4 * h));
                params.add(p + "mlp.fc2.weight", init.xavier(h, 4 * h), new Shape(h, 4 * h));
                params.add(p + "mlp.fc2.bias", Init.zeros(h), new Shape(h));
            }
        }
        if (block.norm() == Norm.RMSNORM) {
            params.add("final_layer.norm_final.weight", Init.ones(h), new Shape(h));
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

    /** the block's switches */
    public JitBlock block() {
        return blockSpec;
    }

    /**
     * Every Linear and the two attention products (QK^T, AV) of one image's forward pass, at 2 FLOPs per
     * multiply-add; elementwise ops, norms and softmax are not counted. For the baseline block this is the
     * reference's count (../shared/reference/jit_torch.py, forward_flops: 11.13 GFLOP for JiT-B/4 at 32x32);
     * in-context class tokens lengthen the sequence from their start block on, SwiGLU counts its two input
     * projections and its output.
     */
    @Override
    public double forwardFlops() {
        double n = (double) (height / patch) * (width / patch);
        double pd = (double) channels * patch * patch;
        double h = hidden;
        double f = bottleneck > 0 ? 2 * n * (pd * bottleneck + bottleneck * h) : 2 * n * pd * h;
        f += 2 * (TIME_FEATURES * h + h * h); // timestep MLP
        double mlpMacs = blockSpec.feedForward() == FeedForward.SWIGLU ? 3 * h * mlpHidden : 2 * h * mlpHidden;
        int context = blockSpec.inContextTokens();
        for (int i = 0; i < depth; i++) {
            double tokens = context > 0 && i >= inContextStart ? n + context : n;
            f += 2 * h * 6 * h; // adaLN modulation, once per image
            f += 2 * tokens * (4 * h * h + mlpMacs); // qkv, proj, MLP
            f += 2 * 2 * tokens * tokens * h; // QK^T and AV over all heads
        }
        return f + 2 * h * 2 * h + 2 * n * h * pd; // final adaLN and linear
    }

    /**
     * FP16: matrix products and attention run in half precision on half copies of the FP32 weights (made at
     * each forward, owned by the activations' manager, differentiable back to the FP32 weights), while the
     * residual stream, norms, softmax and the output stay FP32, as torch.autocast does.
     */
    @Override
    public void setPrecision(Precision precision) {
        this.compute = precision.compute();
    }

    /** x W^T + b in the compute type; the result is in that type */
    private NDArray lin(NDArray x, NDArray w, NDArray b) {
        if (compute == DataType.FLOAT32) {
            return Ops.linear(x, w, b);
        }
        NDManager scope = x.getManager();
        return Ops.linear(
                Ops.cast(x, compute, scope),
                Ops.cast(w, compute, scope),
                b == null ? null : Ops.cast(b, compute, scope));
    }

    /** Dropout (if the block has any) acts only between {@code setTraining(true)} and {@code (false)}. */
    @Override
    public void setTraining(boolean training) {
        this.training = training;
    }

    /**
     * sin-cos table [rows * cols, dim] for a rows x cols token grid: sin and cos of the row (and of the
     * column) times omega_j = 10000^(-j / (dim / 4)), a quarter of the channels each
     */
    private static float[] positionTable(int rows, int cols, int dim, boolean columnsFirst) {
        int side = Math.max(rows, cols);
        float[] square = Ops.sincos2d(side, dim);
        float[] t = new float[rows * cols * dim];
        int halfDim = dim / 2;
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                int src = (r * side + c) * dim;
                int dst = (r * cols + c) * dim;
                if (columnsFirst) {
                    System.arraycopy(square, src + halfDim, t, dst, halfDim);
                    System.arraycopy(square, src, t, dst + halfDim, halfDim);
                } else {
                    System.arraycopy(square, src, t, dst, dim);
                }
            }
        }
        return t;
    }

    private NDArray[] ropeTables(int rows, int cols, int prefix) {
        float[][] cs = Ops.rotaryTables(rows, cols, headDim, prefix, ROPE_THETA);
        Shape shape = new Shape(prefix + (long) rows * cols, headDim);
        return new NDArray[] {Tensors.of(manager, cs[0], shape), Tensors.of(manager, cs[1], shape)};
    }

    @Override
    public NDArray forward(ParamSet w, NDArray z, NDArray t, NDArray labels) {
        // the label embedding [B, hidden], moved to z's manager: the in-context tokens and every later
        // activation derive from it, and a DJL result lives in its first operand's manager
        NDArray labelEmbedding = Ops.embedding(labels, w.get(LABEL_TABLE));
        labelEmbedding.attach(z.getManager());
        long b = z.getShape().get(0);
        int h = hidden;
        int context = blockSpec.inContextTokens();

        NDArray tokens = patchify(z, patch);
        NDArray x = bottleneck > 0
                ? lin(lin(tokens, w.get(EMBED_1), null), w.get(EMBED_2), w.get(EMBED_2_BIAS))
                : lin(tokens, w.get(EMBED), w.get(EMBED_BIAS));
        x = x.add(positions);

        NDArray temb = lin(
                Ops.silu(lin(
                        Ops.timeFeatures(t, timeFreqs),
                        w.get("t_embedder.mlp.0.weight"),
                        w.get("t_embedder.mlp.0.bias"))),
                w.get("t_embedder.mlp.2.weight"),
                w.get("t_embedder.mlp.2.bias"));
        NDArray c = temb.add(labelEmbedding);
        NDArray cAct = Ops.silu(c);

        NDManager owner = z.getManager();
        boolean inference = !JniUtils.isGradMode();
        for (int i = 0; i < depth; i++) {
            boolean withContext = context > 0 && i >= inContextStart;
            if (context > 0 && i == inContextStart) {
                // the label embedding repeated as class tokens, plus their learned positions, before the patches
                NDArray ctx = labelEmbedding.expandDims(1).add(w.get(IN_CONTEXT_POSITIONS));
                x = ctx.concat(x, 1);
            }
            double drop = blockSpec.dropout() > 0 && depth / 4 <= i && i < depth / 4 * 3 ? blockSpec.dropout() : 0;
            NDArray[] ropeTables = withContext ? ropeInContext : rope;
            String prefix = block(i);
            if (inference) {
                // without a graph to keep, a block's intermediates go as soon as it ends: a sampler's memory
                // is one block's activations instead of the whole network's (JiT-T paper, 256 fmnist
                // samples: 2.7 GB before)
                NDArray in = x;
                x = Scoped.run(
                        owner, List.of(cAct), List.of(in), () -> block(w, prefix, in, cAct, b, h, ropeTables, drop));
            } else {
                x = block(w, prefix, x, cAct, b, h, ropeTables, drop);
            }
        }
        if (context > 0) {
            x = x.get(new NDIndex(":, {}:, :", context));
        }

        NDList shiftScale = lin(
                        cAct,
                        w.get("final_layer.adaLN_modulation.1.weight"),
                        w.get("final_layer.adaLN_modulation.1.bias"))
                .split(2, 1);
        NDArray y = lin(
                Ops.modulate(norm(x, w, "final_layer.norm_final.weight"), shiftScale.get(0), shiftScale.get(1)),
                w.get("final_layer.linear.weight"),
                w.get("final_layer.linear.bias"));
        return unpatchify(Ops.cast(y, DataType.FLOAT32, y.getManager()), channels, height, width, patch);
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

    /** LayerNorm without affine, or RMSNorm with the named weight */
    private NDArray norm(NDArray x, ParamSet w, String weight) {
        return blockSpec.norm() == Norm.RMSNORM
                ? Ops.rmsNorm(x, w.get(weight), NORM_EPS)
                : Ops.layerNorm(x, lnOnes, lnZeros, NORM_EPS);
    }

    private NDArray dropout(NDArray x, double p) {
        return p > 0 && training ? Dropout.dropout(x, (float) p, true).singletonOrThrow() : x;
    }

    private NDArray block(
            ParamSet w, String p, NDArray x, NDArray cAct, long b, int h, NDArray[] ropeTables, double drop) {
        NDList ada = lin(cAct, w.get(p + "adaLN_modulation.1.weight"), w.get(p + "adaLN_modulation.1.bias"))
                .split(6, 1);
        NDArray shift1 = ada.get(0), scale1 = ada.get(1), gate1 = ada.get(2);
        NDArray shift2 = ada.get(3), scale2 = ada.get(4), gate2 = ada.get(5);

        NDArray a =
                attention(w, p, Ops.modulate(norm(x, w, p + "norm1.weight"), shift1, scale1), b, h, ropeTables, drop);
        x = x.add(a.mul(gate1.expandDims(1)));

        NDArray m = Ops.modulate(norm(x, w, p + "norm2.weight"), shift2, scale2);
        if (blockSpec.feedForward() == FeedForward.SWIGLU) {
            NDList ab = lin(m, w.get(p + "mlp.w12.weight"), w.get(p + "mlp.w12.bias"))
                    .split(2, 2);
            m = lin(
                    dropout(Ops.silu(ab.get(0)).mul(ab.get(1)), drop),
                    w.get(p + "mlp.w3.weight"),
                    w.get(p + "mlp.w3.bias"));
        } else {
            m = lin(
                    dropout(Ops.gelu(lin(m, w.get(p + "mlp.fc1.weight"), w.get(p + "mlp.fc1.bias"))), drop),
                    w.get(p + "mlp.fc2.weight"),
                    w.get(p + "mlp.fc2.bias"));
        }
        return x.add(m.mul(gate2.expandDims(1)));
    }

    private NDArray attention(ParamSet w, String p, NDArray x, long b, int h, NDArray[] ropeTables, double drop) {
        long n = x.getShape().get(1);
        NDArray qkv = lin(x, w.get(p + "attn.qkv.weight"), w.get(p + "attn.qkv.bias"))
                .reshape(b, n, 3, heads, headDim)
                .transpose(2, 0, 3, 1, 4); // 3, B, heads, N, d
        NDList parts = qkv.split(3, 0);
        NDArray q = parts.get(0).squeeze(0);
        NDArray k = parts.get(1).squeeze(0);
        NDArray v = parts.get(2).squeeze(0);
        NDManager scope = x.getManager();
        if (blockSpec.qkNorm()) { // in FP32 (q and k are half in FP16 mode)
            q = Ops.rmsNorm(Ops.cast(q, DataType.FLOAT32, scope), w.get(p + "attn.q_norm.weight"), NORM_EPS);
            k = Ops.rmsNorm(Ops.cast(k, DataType.FLOAT32, scope), w.get(p + "attn.k_norm.weight"), NORM_EPS);
        }
        if (ropeTables != null) {
            q = Ops.rotary(q, ropeTables[0], ropeTables[1]);
            k = Ops.rotary(k, ropeTables[0], ropeTables[1]);
        }
        // the products in the compute type, the softmax in FP32
        q = Ops.cast(q, compute, scope);
        k = Ops.cast(k, compute, scope);
        NDArray scores = Ops.cast(q.mul(attentionScale).matMul(k.transpose(0, 1, 3, 2)), DataType.FLOAT32, scope);
        NDArray probs = Ops.cast(dropout(scores.softmax(-1), drop), compute, scope);
        NDArray o = probs.matMul(Ops.cast(v, compute, scope)) // B, heads, N, d
                .transpose(0, 2, 1, 3)
                .reshape(b, n, h);
        return dropout(lin(o, w.get(p + "attn.proj.weight"), w.get(p + "attn.proj.bias")), drop);
    }

    @Override
    public String describe() {
        return String.format(
                "JiT-%s%s patch %d bottleneck %d on %dx%dx%d (%d tokens, %.2fM params)",
                sizeName,
                blockSpec.matchesBaseline() ? "" : " " + describe(blockSpec),
                patch,
                bottleneck,
                channels,
                height,
                width,
                (height / patch) * (width / patch),
                params.count() / 1e6);
    }

    private static String describe(JitBlock s) {
        StringBuilder b = new StringBuilder(s.norm().label())
                .append('+')
                .append(s.feedForward().label());
        if (s.qkNorm()) b.append("+qknorm");
        if (s.rope()) b.append("+rope");
        if (s.inContextTokens() > 0) b.append("+ctx").append(s.inContextTokens());
        if (s.dropout() > 0) b.append("+drop").append(s.dropout());
        return b.toString();
    }
}
