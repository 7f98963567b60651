package org.denoiselab.science.model;

import java.util.List;
import org.denoiselab.science.spec.Choice;

/**
 * Named JiT sizes: depth, hidden width, heads, the patch-embedding bottleneck, the block where in-context
 * class tokens join and the dropout of the middle blocks (DESIGN.md; B, L, H as the official code's
 * JiT_B/L/H: bottleneck 128, 128, 256, in-context start 4, 8, 10; T is the benchmark's tiny size, S DiT's
 * small).
 */
public enum JitSize implements Choice {
    T(6, 192, 3, 128, 2, 0.0),
    S(12, 384, 6, 128, 4, 0.0),
    B(12, 768, 12, 128, 4, 0.0),
    L(24, 1024, 16, 128, 8, 0.0),
    H(32, 1280, 16, 256, 10, 0.2);

    public final int depth;
    public final int hidden;
    public final int heads;
    /** the paper's patch-embedding bottleneck for this size */
    public final int bottleneck;
    /** the block at which in-context class tokens join */
    public final int inContextStart;
    /** dropout of the middle half of the blocks in the paper's variant */
    public final double dropout;

    JitSize(int depth, int hidden, int heads, int bottleneck, int inContextStart, double dropout) {
        this.depth = depth;
        this.hidden = hidden;
        this.heads = heads;
        this.bottleneck = bottleneck;
        this.inContextStart = inContextStart;
        this.dropout = dropout;
    }

    @Override
    public String label() {
        return name();
    }

    @Override
    public List<String> aliases() {
        return this == T ? List.of("tiny") : List.of();
    }
}
