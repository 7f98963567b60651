package org.denoiselab.science.image;

import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/** PNGs back to 8-bit CHW, e.g. to score a folder of generated samples. */
public final class PngImages {
    private PngImages() {}

    /**
     * @param channels 1 for gray (with or without alpha), 3 for colour; alpha is dropped
     * @param data     channels * height * width bytes, CHW order
     */
    public record UInt8Image(int channels, int height, int width, byte[] data) {
        /** value 0..255 at (c, y, x) */
        public int at(int c, int y, int x) {
            return data[(c * height + y) * width + x] & 0xff;
        }
    }

    public static UInt8Image read(Path file) throws IOException {
        BufferedImage image;
        try (InputStream in = Files.newInputStream(file)) {
            image = ImageIO.read(in);
        } catch (IOException e) {
            throw new IOException(file + ": expected a readable PNG image: " + e.getMessage(), e);
        }
        if (image == null) {
            throw new IOException(file + ": expected a PNG image, found a format ImageIO cannot read");
        }
        return toUint8(image);
    }

    /** the .png files of a folder in name order */
    public static List<Path> list(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p ->
                            p.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".png"))
                    .filter(Files::isRegularFile)
                    .sorted()
                    .toList();
        }
    }

    /** raw samples where the image is plain gray or RGB (getRGB would apply a gamma to gray), palette via getRGB */
    static UInt8Image toUint8(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        Raster raster = image.getRaster();
        int bands = raster.getNumBands();
        if (image.getColorModel() instanceof IndexColorModel || bands > 4) {
            int[] argb = image.getRGB(0, 0, w, h, null, 0, w);
            byte[] out = new byte[3 * w * h];
            for (int i = 0; i < argb.length; i++) {
                out[i] = (byte) (argb[i] >>> 16);
                out[w * h + i] = (byte) (argb[i] >>> 8);
                out[2 * w * h + i] = (byte) argb[i];
            }
            return new UInt8Image(3, h, w, out);
        }
        int channels = bands <= 2 ? 1 : 3;
        int shift = Math.max(0, raster.getSampleModel().getSampleSize(0) - 8); // 16-bit PNGs keep the high byte
        byte[] out = new byte[channels * w * h];
        int[] row = new int[w];
        for (int c = 0; c < channels; c++) {
            for (int y = 0; y < h; y++) {
                raster.getSamples(0, y, w, 1, c, row);
                for (int x = 0; x < w; x++) {
                    out[(c * h + y) * w + x] = (byte) (row[x] >>> shift);
                }
            }
        }
        return new UInt8Image(channels, h, w, out);
    }
}
