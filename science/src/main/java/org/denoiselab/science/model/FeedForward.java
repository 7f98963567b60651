package org.denoiselab.science.model;

import org.denoiselab.science.spec.Choice;

/** The MLP of JiT's blocks (the paper's Table 4). */
public enum FeedForward implements Choice {
    /** Linear(h, 4h), GELU, Linear(4h, h) (DiT's Mlp: fc1, fc2) */
    GELU,
    /**
     * SwiGLU (Shazeer 2020): one fused Linear(h, 2m) split into a and b, silu(a) * b, Linear(m, h), with
     * m = int(4h * 2 / 3) (the official code's SwiGLUFFN: w12, w3)
     */
    SWIGLU;

    @Override
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
