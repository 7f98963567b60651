package org.denoiselab.science.image;

import java.awt.image.BufferedImage;
import java.awt.image.Raster;

/**
 * Center square crop plus area-averaging resize to 8-bit CHW. Each output pixel is the mean of the
 * source area it covers (fractional edge pixels weighted by their overlap), which is the alias-free
 * way to shrink 178 -> 128 or 32; enlarging degrades gracefully to box interpolation.
 */
public final class AreaResize {
    private AreaResize() {}

    /**
     * @param image any decoded image; gray images give three equal channels
     * @param size  output side
     * @return 3 x size x size bytes, CHW order, values 0..255
     */
    public static byte[] centerSquareRgb(BufferedImage image, int size) {
        if (size <= 0) {
            throw new IllegalArgumentException("size must be positive, was " + size);
        }
        int w = image.getWidth();
        int h = image.getHeight();
        int side = Math.min(w, h);
        int x0 = (w - side) / 2;
        int y0 = (h - side) / 2;
        float[][] planes = rgbPlanes(image, x0, y0, side);
        Weights weights = Weights.of(side, size);
        byte[] out = new byte[3 * size * size];
        float[] rowsResized = new float[size * side]; // vertical pass result: size rows x side columns
        for (int c = 0; c < 3; c++) {
            float[] src = planes[c];
            java.util.Arrays.fill(rowsResized, 0f);
            for (int oy = 0; oy < size; oy++) { // source rows outermost so the inner loop runs along memory
                for (int j = 0; j < weights.count[oy]; j++) {
                    float wgt = weights.weight[oy][j];
                    int srcRow = (weights.start[oy] + j) * side;
                    int dstRow = oy * side;
                    for (int x = 0; x < side; x++) {
                        rowsResized[dstRow + x] += wgt * src[srcRow + x];
                    }
                }
            }
            for (int oy = 0; oy < size; oy++) {
                for (int ox = 0; ox < size; ox++) {
                    float acc = 0f;
                    for (int k = weights.start[ox]; k < weights.start[ox] + weights.count[ox]; k++) {
                        acc += weights.weight[ox][k - weights.start[ox]] * rowsResized[oy * side + k];
                    }
                    int v = Math.round(acc);
                    out[(c * size + oy) * size + ox] = (byte) Math.max(0, Math.min(255, v));
                }
            }
        }
        return out;
    }

    /** the crop as three float planes, reading gray rasters directly (getRGB would re-gamma them) */
    private static float[][] rgbPlanes(BufferedImage image, int x0, int y0, int side) {
        float[][] planes = new float[3][side * side];
        Raster raster = image.getRaster();
        boolean plainGray = raster.getNumBands() == 1
                && raster.getSampleModel().getSampleSize(0) == 8
                && !(image.getColorModel() instanceof java.awt.image.IndexColorModel);
        if (plainGray) {
            int[] row = new int[side];
            for (int y = 0; y < side; y++) {
                raster.getSamples(x0, y0 + y, side, 1, 0, row);
                for (int x = 0; x < side; x++) {
                    planes[0][y * side + x] = planes[1][y * side + x] = planes[2][y * side + x] = row[x];
                }
            }
            return planes;
        }
        // what the JPEG decoder returns, read straight from its bytes (a sub-image view takes the general path)
        if (image.getType() == BufferedImage.TYPE_3BYTE_BGR
                && raster.getParent() == null
                && raster.getSampleModelTranslateX() == 0
                && raster.getSampleModelTranslateY() == 0
                && raster.getSampleModel() instanceof java.awt.image.ComponentSampleModel csm
                && csm.getScanlineStride() == 3 * image.getWidth()
                && raster.getDataBuffer().getOffset() == 0) {
            byte[] bgr = ((java.awt.image.DataBufferByte) raster.getDataBuffer()).getData();
            int stride = 3 * image.getWidth();
            for (int y = 0; y < side; y++) {
                int row = (y0 + y) * stride + 3 * x0;
                for (int x = 0; x < side; x++) {
                    int at = row + 3 * x;
                    planes[2][y * side + x] = bgr[at] & 0xff;
                    planes[1][y * side + x] = bgr[at + 1] & 0xff;
                    planes[0][y * side + x] = bgr[at + 2] & 0xff;
                }
            }
            return planes;
        }
        int[] argb = image.getRGB(x0, y0, side, side, null, 0, side);
        for (int i = 0; i < argb.length; i++) {
            planes[0][i] = (argb[i] >>> 16) & 0xff;
            planes[1][i] = (argb[i] >>> 8) & 0xff;
            planes[2][i] = argb[i] & 0xff;
        }
        return planes;
    }

    /** per output index: first source index, number of sources, and their overlap weights (sum 1) */
    private record Weights(int[] start, int[] count, float[][] weight) {
        static Weights of(int in, int out) {
            int[] start = new int[out];
            int[] count = new int[out];
            float[][] weight = new float[out][];
            double scale = (double) in / out;
            for (int o = 0; o < out; o++) {
                double lo = o * scale;
                double hi = (o + 1) * scale;
                int first = (int) Math.floor(lo);
                int last = Math.min(in - 1, (int) Math.ceil(hi) - 1);
                start[o] = first;
                count[o] = last - first + 1;
                weight[o] = new float[count[o]];
                for (int k = first; k <= last; k++) {
                    double overlap = Math.min(hi, k + 1) - Math.max(lo, k);
                    weight[o][k - first] = (float) (overlap / scale);
                }
            }
            return new Weights(start, count, weight);
        }
    }
}
