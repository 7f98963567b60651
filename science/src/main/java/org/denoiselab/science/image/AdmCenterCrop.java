package org.denoiselab.science.image;

/**
 * The ADM center crop (guided-diffusion's {@code image_datasets.center_crop_arr}, used by ADM, DiT and JiT for
 * ImageNet and CelebA): while the short side is at least twice the target, halve the image (integer halves)
 * with Pillow's BOX filter; then resize with Pillow's BICUBIC so the short side is the target (the long side
 * rounded half to even, as Python's round); then cut the centre square.
 *
 * <p>The resampling is Pillow's (Resample.c), in the same arithmetic, so the output equals Pillow's byte for
 * byte: separable convolution, horizontal pass first, each output pixel's weights from the filter stretched
 * by the scale when shrinking and normalised to sum 1, stored in fixed point with 22 fractional bits, and the
 * result rounded and clipped to 0..255 after each pass. BICUBIC is the Keys kernel with a = -0.5 (support 2),
 * BOX a box of support 0.5.
 */
public final class AdmCenterCrop {
    private static final int PRECISION_BITS = 32 - 8 - 2;

    private AdmCenterCrop() {}

    /**
     * @param image any decoded image (1 or 3 channels)
     * @param size  side of the square output, in pixels
     * @return the crop, channels x size x size, CHW
     * @throws IllegalArgumentException when size is not positive
     */
    public static ImageFiles.UInt8Image apply(ImageFiles.UInt8Image image, int size) {
        if (size <= 0) {
            throw new IllegalArgumentException("crop size must be positive, got " + size);
        }
        int c = image.channels();
        int w = image.width();
        int h = image.height();
        byte[][] planes = new byte[c][];
        for (int k = 0; k < c; k++) {
            planes[k] = new byte[w * h];
            System.arraycopy(image.data(), k * w * h, planes[k], 0, w * h);
        }
        while (Math.min(w, h) >= 2 * size) {
            planes = resize(planes, w, h, w / 2, h / 2, Filter.BOX);
            w /= 2;
            h /= 2;
        }
        double scale = (double) size / Math.min(w, h);
        int nw = (int) Math.rint(w * scale);
        int nh = (int) Math.rint(h * scale);
        if (nw != w || nh != h) {
            planes = resize(planes, w, h, nw, nh, Filter.BICUBIC);
            w = nw;
            h = nh;
        }
        int y0 = (h - size) / 2;
        int x0 = (w - size) / 2;
        byte[] out = new byte[c * size * size];
        for (int k = 0; k < c; k++) {
            for (int y = 0; y < size; y++) {
                System.arraycopy(planes[k], (y0 + y) * w + x0, out, (k * size + y) * size, size);
            }
        }
        return new ImageFiles.UInt8Image(c, size, size, out);
    }

    /** Pillow's resampling filters: the kernel and its support (in input pixels, before stretching) */
    enum Filter {
        BOX(0.5) {
            @Override
            double at(double x) {
                return x > -0.5 && x <= 0.5 ? 1.0 : 0.0;
            }
        },
        BICUBIC(2.0) {
            @Override
            double at(double x) {
                double a = -0.5;
                x = Math.abs(x);
                if (x < 1.0) {
                    return ((a + 2.0) * x - (a + 3.0)) * x * x + 1;
                }
                if (x < 2.0) {
                    return (((x - 5) * x + 8) * x - 4) * a;
                }
                return 0.0;
            }
        };

        final double support;

        Filter(double support) {
            this.support = support;
        }

        abstract double at(double x);
    }

    /** Pillow's ImagingResample of 8-bit planes: horizontal then vertical pass, each only where the size changes */
    static byte[][] resize(byte[][] planes, int w, int h, int nw, int nh, Filter filter) {
        byte[][] out = new byte[planes.length][];
        Coeffs horizontal = nw != w ? Coeffs.of(w, nw, filter) : null;
        Coeffs vertical = nh != h ? Coeffs.of(h, nh, filter) : null;
        for (int k = 0; k < planes.length; k++) {
            byte[] p = planes[k];
            if (horizontal != null) {
                byte[] t = new byte[nw * h];
                for (int y = 0; y < h; y++) {
                    for (int x = 0; x < nw; x++) {
                        long ss = 1L << (PRECISION_BITS - 1);
                        int first = horizontal.first[x];
                        for (int i = 0; i < horizontal.count[x]; i++) {
                            ss += (long) (p[y * w + first + i] & 0xff) * horizontal.weights[x][i];
                        }
                        t[y * nw + x] = clip8(ss);
                    }
                }
                p = t;
            }
            int pw = horizontal != null ? nw : w;
            if (vertical != null) {
                byte[] t = new byte[pw * nh];
                for (int y = 0; y < nh; y++) {
                    int first = vertical.first[y];
                    for (int x = 0; x < pw; x++) {
                        long ss = 1L << (PRECISION_BITS - 1);
                        for (int i = 0; i < vertical.count[y]; i++) {
                            ss += (long) (p[(first + i) * pw + x] & 0xff) * vertical.weights[y][i];
                        }
                        t[y * pw + x] = clip8(ss);
                    }
                }
                p = t;
            }
            out[k] = p;
        }
        return out;
    }

    private static byte clip8(long v) {
        if (v >= (1L << PRECISION_BITS << 8)) {
            return (byte) 255;
        }
        if (v <= 0) {
            return 0;
        }
        return (byte) (v >> PRECISION_BITS);
    }

    /** per output index: first input index, how many, and the fixed-point weights (Pillow's precompute_coeffs) */
    private record Coeffs(int[] first, int[] count, int[][] weights) {
        static Coeffs of(int inSize, int outSize, Filter filter) {
            double scale = (double) inSize / outSize;
            double filterScale = Math.max(scale, 1.0);
            double support = filter.support * filterScale;
            int[] first = new int[outSize];
            int[] count = new int[outSize];
            int[][] weights = new int[outSize][];
            for (int o = 0; o < outSize; o++) {
                double center = (o + 0.5) * scale;
                double ss = 1.0 / filterScale;
                int xmin = Math.max(0, (int) (center - support + 0.5));
                int xmax = Math.min(inSize, (int) (center + support + 0.5)) - xmin;
                double[] k = new double[Math.max(xmax, 0)];
                double ww = 0;
                for (int x = 0; x < xmax; x++) {
                    k[x] = filter.at((x + xmin - center + 0.5) * ss);
                    ww += k[x];
                }
                int[] fixed = new int[k.length];
                for (int x = 0; x < k.length; x++) {
                    double v = ww != 0.0 ? k[x] / ww : k[x];
                    fixed[x] = (int) (v < 0 ? -0.5 + v * (1 << PRECISION_BITS) : 0.5 + v * (1 << PRECISION_BITS));
                }
                first[o] = xmin;
                count[o] = k.length;
                weights[o] = fixed;
            }
            return new Coeffs(first, count, weights);
        }
    }
}
