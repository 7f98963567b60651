package org.denoiselab.core.model;

import java.util.Locale;

/** Named JiT sizes (DESIGN.md): depth, hidden width, heads. */
public enum JitSize {
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

    public static JitSize parse(String name) {
        String n = name.trim().toUpperCase(Locale.ROOT);
        if (n.equals("TINY")) {
            return T;
        }
        for (JitSize s : values()) {
            if (s.name().equals(n)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown model size '" + name + "': expected T, S, B or L");
    }
}
