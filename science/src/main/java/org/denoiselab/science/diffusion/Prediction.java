package org.denoiselab.science.diffusion;

import java.util.List;
import org.denoiselab.science.spec.Choice;

/**
 * What the network outputs (diffusers' prediction_type; the paper's Sec. 3 and Table 1): the clean image
 * x, the noise eps, or the flow velocity v = x - eps. Also the quantity a {@link LossSpace} compares.
 */
public enum Prediction implements Choice {
    /** the clean image x */
    X("x"),
    /** the noise eps */
    EPS("eps", "e", "epsilon"),
    /** the flow velocity v = x - eps */
    V("v");

    private final String label;
    private final List<String> aliases;

    Prediction(String label, String... aliases) {
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
