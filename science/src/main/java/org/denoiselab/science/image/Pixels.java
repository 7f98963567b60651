package org.denoiselab.science.image;

/**
 * The one conversion from model space [-1, 1] to 8-bit pixels, used both for saved PNGs and for the
 * uint8 batches fed to feature extractors, so a score is computed on exactly what a person sees.
 */
public final class Pixels {
    private Pixels() {}

    /** round((v + 1) * 127.5) clamped to [0, 255] */
    public static int toUint8(float v) {
        float s = (v + 1f) * 127.5f;
        if (!(s > 0f)) { // also maps NaN to 0
            return 0;
        }
        return s >= 255f ? 255 : Math.round(s);
    }

    /** inverse of {@link #toUint8} up to rounding: 0..255 to [-1, 1] */
    public static float fromUint8(int b) {
        return (b & 0xff) / 127.5f - 1f;
    }
}
