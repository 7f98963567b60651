package org.denoiselab.science.diffusion;

import org.denoiselab.science.spec.Choice;

/** How a run trains and samples: flow matching (the paper) or the DDPM eps baseline (Ho et al., 2020). */
public enum Method implements Choice {
    /** z_t = t x + (1 - t) eps, any prediction and loss space, ODE solvers ({@link FlowMatching}) */
    FLOW,
    /** discrete linear betas, eps-prediction, ancestral sampling ({@link Ddpm}) */
    DDPM;

    @Override
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
