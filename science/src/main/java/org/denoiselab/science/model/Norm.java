package org.denoiselab.science.model;

import org.denoiselab.science.spec.Choice;

/** The normalisation inside JiT's blocks and final layer (the paper's Table 4). */
public enum Norm implements Choice {
    /** LayerNorm without learned affine (DiT's adaLN-Zero block; DESIGN.md's baseline) */
    LAYERNORM,
    /** RMSNorm with a learned weight, eps 1e-6 (the official code's RMSNorm) */
    RMSNORM;

    @Override
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
