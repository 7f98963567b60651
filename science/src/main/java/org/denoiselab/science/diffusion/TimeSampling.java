package org.denoiselab.science.diffusion;

import java.util.List;
import org.denoiselab.science.spec.Choice;

/** How training draws the flow time t per sample ({@link TimeSampler}). */
public enum TimeSampling implements Choice {
    /**
     * t = sigmoid(P_mean + P_std N(0, 1)), the reference's default with P_mean = -0.8, P_std = 0.8 (more
     * weight on noisy t); the run spec calls them tMean and tStd
     */
    LOGIT_NORMAL("logit_normal", "logit-normal", "logitnormal"),
    /** t ~ U[0, 1) */
    UNIFORM("uniform");

    private final String label;
    private final List<String> aliases;

    TimeSampling(String label, String... aliases) {
        this.label = label;
        this.aliases = List.of(aliases);
    }

    @Override
    public String label() {
        return label;
    }

    @Override
    public List<String> aliases() {
        return aliases;
    }
}
