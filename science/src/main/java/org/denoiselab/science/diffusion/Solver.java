package org.denoiselab.science.diffusion;

import org.denoiselab.science.spec.Choice;

/** How samples are generated: ODE solvers for flow matching, the ancestral chain for DDPM. */
public enum Solver implements Choice {
    /** flow: one network call per step ({@link FlowSampler}) */
    EULER(Method.FLOW),
    /** flow: trapezoid predictor-corrector, Euler on the last step, 2 * steps - 1 network calls */
    HEUN(Method.FLOW),
    /** DDPM: the (possibly strided) ancestral chain ({@link Ddpm#sample}) */
    ANCESTRAL(Method.DDPM);

    private final Method method;

    Solver(Method method) {
        this.method = method;
    }

    /** the method this solver samples */
    public Method method() {
        return method;
    }

    @Override
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
