package org.denoiselab.science.model;

import org.denoiselab.science.spec.Choice;

/** The denoiser's architecture. */
public enum Arch implements Choice {
    /** the plain Transformer on pixel patches ({@link JiT}) */
    JIT,
    /** the toy study's MLP ({@link MlpDenoiser}) */
    MLP;

    @Override
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
