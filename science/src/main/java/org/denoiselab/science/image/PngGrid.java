package org.denoiselab.science.image;

import java.awt.image.BufferedImage;
import java.awt.image.WritableRaster;
import java.io.IOException;
import java.io.OutputStream;
import javax.imageio.ImageIO;

/**
 * n images in model space ([-1, 1], CHW, C = 1 or 3) laid out in a grid of {@code cols} columns with
 * {@value #PADDING}-px black padding around and between them, converted through {@link Pixels#toUint8}
 * so that the PNG holds exactly the bytes the evaluator scores. Gray images give a gray PNG.
 */
public final class PngGrid {
    public static final int PADDING = 2;

    private PngGrid() {}

    /**
     * @param images n * c * h * w floats, image after image
     * @param n      number of images to draw
     * @param cols   columns of the grid (rows follow)
     */
    public static BufferedImage render(float[] images, int n, int c, int h, int w, int cols) {
        if (c != 1 && c != 3) {
            throw new IllegalArgumentException("grid images need 1 or 3 channels, got " + c);
        }
        if (n <= 0 || h <= 0 || w <= 0 || cols <= 0) {
            throw new IllegalArgumentException(
                    "grid needs n, h, w, cols > 0, got " + n + ", " + h + ", " + w + ", " + cols);
        }
        int plane = h * w;
        if ((long) n * c * plane > images.length) {
            throw new IllegalArgumentException("grid of " + n + " x " + c + "x" + h + "x" + w + " needs "
                    + (long) n * c * plane + " floats, got " + images.length);
        }
        int rows = (n + cols - 1) / cols;
        int gridW = cols * (w + PADDING) + PADDING;
        int gridH = rows * (h + PADDING) + PADDING;
        BufferedImage grid =
                new BufferedImage(gridW, gridH, c == 1 ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_INT_RGB);
        WritableRaster raster = grid.getRaster();
        int[] rgb = new int[3];
        for (int k = 0; k < n; k++) {
            int x0 = PADDING + (k % cols) * (w + PADDING);
            int y0 = PADDING + (k / cols) * (h + PADDING);
            int base = k * c * plane;
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int p = y * w + x;
                    if (c == 1) {
                        raster.setSample(x0 + x, y0 + y, 0, Pixels.toUint8(images[base + p]));
                    } else {
                        rgb[0] = Pixels.toUint8(images[base + p]);
                        rgb[1] = Pixels.toUint8(images[base + plane + p]);
                        rgb[2] = Pixels.toUint8(images[base + 2 * plane + p]);
                        raster.setPixel(x0 + x, y0 + y, rgb);
                    }
                }
            }
        }
        return grid;
    }

    /** renders the grid and writes it as PNG to out (out is not closed) */
    public static void write(float[] images, int n, int c, int h, int w, int cols, OutputStream out)
            throws IOException {
        writePng(render(images, n, c, h, w, cols), out);
    }

    /** writes any image as PNG, failing loudly instead of ImageIO's silent false */
    public static void writePng(BufferedImage image, OutputStream out) throws IOException {
        if (!ImageIO.write(image, "png", out)) {
            throw new IOException("no PNG writer for image type " + image.getType());
        }
    }
}
