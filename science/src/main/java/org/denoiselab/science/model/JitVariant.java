package org.denoiselab.science.model;

import org.denoiselab.science.spec.Choice;

/** Named JiT blocks: a request names one, and may override single switches on top of it. */
public enum JitVariant implements Choice {
    /** {@link JitBlock#BASELINE} */
    BASELINE,
    /** {@link JitBlock#paper}: RMSNorm, SwiGLU, qk-norm, RoPE, 32 in-context class tokens */
    PAPER;

    @Override
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** the block this variant names for a model of the given size */
    public JitBlock block(JitSize size) {
        return this == BASELINE ? JitBlock.BASELINE : JitBlock.paper(size);
    }
}
