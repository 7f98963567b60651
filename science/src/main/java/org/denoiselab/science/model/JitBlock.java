package org.denoiselab.science.model;

/**
 * The switches of JiT's block that the paper's Table 4 turns on one by one (Li and He 2025, Sec. 4.4):
 * each independent, named in requests and checkpoints.
 *
 * @param norm            LayerNorm (baseline) or RMSNorm
 * @param feedForward     GELU MLP (baseline) or SwiGLU
 * @param qkNorm          RMSNorm over the head dimension on q and k, before the rotary embedding
 * @param rope            2-D axial rotary position embedding on q and k (theta 10000, half the head dimension
 *                        per axis), on top of the fixed sin-cos table
 * @param inContextTokens class tokens (the label embedding plus a learned position table) joined at the
 *                        size's start block and dropped before the final layer; 0 = none, the paper uses 32
 * @param dropout         attention and projection dropout in the middle half of the blocks (depth/4 <= i <
 *                        3 depth/4), training only; 0 = none
 */
public record JitBlock(
        Norm norm, FeedForward feedForward, boolean qkNorm, boolean rope, int inContextTokens, double dropout) {

    /** DESIGN.md's baseline: what ../shared/reference/jit_torch.py runs */
    public static final JitBlock BASELINE = new JitBlock(Norm.LAYERNORM, FeedForward.GELU, false, false, 0, 0.0);

    /** in-context class tokens of the paper's JiT */
    public static final int PAPER_IN_CONTEXT_TOKENS = 32;

    /**
     * @throws IllegalArgumentException naming the switch that is out of range
     */
    public JitBlock {
        if (norm == null || feedForward == null) {
            throw new IllegalArgumentException("model.norm and model.mlp are required");
        }
        if (inContextTokens < 0 || inContextTokens > 1024) {
            throw new IllegalArgumentException("model.inContextTokens must be in 0..1024, got " + inContextTokens);
        }
        if (!(dropout >= 0 && dropout < 1)) {
            throw new IllegalArgumentException("model.dropout must be in [0, 1), got " + dropout);
        }
    }

    /** the paper's JiT: every switch on, with the size's dropout */
    public static JitBlock paper(JitSize size) {
        return new JitBlock(Norm.RMSNORM, FeedForward.SWIGLU, true, true, PAPER_IN_CONTEXT_TOKENS, size.dropout);
    }

    /** true for DESIGN.md's baseline block */
    public boolean matchesBaseline() {
        return equals(BASELINE);
    }
}
