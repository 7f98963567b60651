package org.denoiselab.science.model;

import java.util.List;
import org.denoiselab.science.spec.Choice;

/**
 * Named JiT sizes: depth, hidden width, heads (DESIGN.md; the paper's Table 9 for B, L, H; T is the
 * benchmark's tiny size, S DiT's small).
 */
public enum JitSize implements Choice {
    T(6, 192, 3),
    S(12, 384, 6),
    B(12, 768, 12),
    L(24, 1024, 16);

    public final int depth;
    public final int hidden;
    public final int heads;

    JitSize(int depth, int hidden, int heads) {
        this.depth = depth;
        this.hidden = hidden;
        this.heads = heads;
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
