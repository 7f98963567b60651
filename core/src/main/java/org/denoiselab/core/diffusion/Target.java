package org.denoiselab.core.diffusion;

import java.util.Locale;

/** What the network outputs, and independently the space the loss is measured in (JiT Table 1). */
public enum Target {
    /** the clean image x */
    X,
    /** the noise e */
    EPS,
    /** the flow velocity v = x - e */
    V;

    /** Parses "x", "eps" or "v" (any case); the error names the accepted values. */
    public static Target parse(String s) {
        switch (s.trim().toLowerCase(Locale.ROOT)) {
            case "x": return X;
            case "eps": case "e": case "epsilon": return EPS;
            case "v": return V;
            default: throw new IllegalArgumentException("unknown target '" + s + "': expected x, eps or v");
        }
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
