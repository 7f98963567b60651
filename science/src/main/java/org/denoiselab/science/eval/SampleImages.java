package org.denoiselab.science.eval;

import org.denoiselab.science.image.Pixels;

/** Conversions between model-space sample batches and the uint8 batches extractors read. */
public final class SampleImages {
    private SampleImages() {}

    /** [-1, 1] floats to bytes through {@link Pixels#toUint8}, exactly as a saved PNG would hold them */
    public static byte[] toUint8(float[] samples) {
        byte[] out = new byte[samples.length];
        for (int i = 0; i < samples.length; i++) {
            out[i] = (byte) Pixels.toUint8(samples[i]);
        }
        return out;
    }

    /** N x 1 x H x W to N x 3 x H x W by repeating the grey channel (as Inception expects RGB) */
    public static byte[] greyToRgb(byte[] images, int n, int height, int width) {
        int plane = height * width;
        byte[] out = new byte[n * 3 * plane];
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < 3; c++) {
                System.arraycopy(images, i * plane, out, (i * 3 + c) * plane, plane);
            }
        }
        return out;
    }
}
