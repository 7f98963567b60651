package org.denoiselab.science.image;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.stream.ImageInputStream;

/**
 * The one way image files are read: sample folders ({@code bin/eval}), CelebA, image folders and the PNGs
 * the project writes itself. Decoding is ImageIO's (the JDK's PNG reader, TwelveMonkeys' JPEG reader, which
 * also reads CMYK and YCCK JPEGs); the values are then made those Pillow gives, channel by channel:
 *
 * <ul>
 *   <li>PNG, every colour type and bit depth: palette indices are looked up in the palette; grey of 1, 2 or
 *       4 bits is scaled to 0..255 (x 255, 85, 17); 16-bit samples keep their high byte (Pillow's reading of
 *       16-bit RGB, RGBA and grey+alpha; for 16-bit grey, whose {@code convert("L")} clips every value above
 *       255, this keeps the picture instead).
 *   <li>JPEG grey and YCbCr as decoded (libjpeg in both Pillow and the JDK; the IDCT may differ by a few
 *       levels); CMYK and YCCK to CMYK ink values (inverted when Adobe's APP14 marker says so, as Pillow's
 *       "CMYK;I"), then Pillow's {@code cmyk2rgb}: R = (255 - C)(255 - K) / 255.
 *   <li>Alpha (PNG grey+alpha, RGBA, tRNS) is dropped and the colour kept as stored, as Pillow's
 *       {@code convert("RGB")} and {@code convert("L")} do, and so torchvision's ImageFolder, pytorch-fid and
 *       clean-fid read such files: no compositing over a background.
 *   <li>To grey: ITU-R 601-2 luma, L = R * 299/1000 + G * 587/1000 + B * 114/1000, in Pillow's fixed point
 *       ({@code (R * 19595 + G * 38470 + B * 7471 + 0x8000) >> 16}), so grey values match Pillow's exactly. To
 *       RGB: the grey value in all three channels.
 * </ul>
 *
 * EXIF orientation is not applied (Pillow's {@code Image.open} does not either).
 */
public final class ImageFiles {
    /** file name endings read as images by {@link #list} */
    public static final List<String> EXTENSIONS = List.of(".png", ".jpg", ".jpeg");

    private ImageFiles() {}

    /**
     * An 8-bit image, CHW.
     *
     * @param channels 1 (grey) or 3 (RGB)
     * @param data     channels * height * width bytes, CHW order, each 0..255
     */
    public record UInt8Image(int channels, int height, int width, byte[] data) {
        /** value 0..255 at (c, y, x) */
        public int at(int c, int y, int x) {
            return data[(c * height + y) * width + x] & 0xff;
        }
    }

    /**
     * Decodes a PNG or JPEG into its own channel count: 1 for grey files (with or without alpha, any bit
     * depth), 3 for everything else (RGB, RGBA, palette, CMYK, YCCK).
     *
     * @throws IOException naming the file when it is missing, not an image or damaged
     */
    public static UInt8Image read(Path file) throws IOException {
        return read(file, 0);
    }

    /**
     * Decodes a PNG or JPEG and converts it to {@code channels} channels by Pillow's formulas (see above).
     *
     * @param channels 1 (grey), 3 (RGB), or 0 for the file's own (see {@link #read(Path)})
     * @throws IOException naming the file when it is missing, not an image or damaged
     * @throws IllegalArgumentException when channels is not 0, 1 or 3
     */
    public static UInt8Image read(Path file, int channels) throws IOException {
        if (channels != 0 && channels != 1 && channels != 3) {
            throw new IllegalArgumentException("channels must be 0 (the file's own), 1 or 3, got " + channels);
        }
        return convert(decode(file), channels, file);
    }

    /** the image files of a folder (see {@link #EXTENSIONS}, any case) in name order; sub-folders are not read */
    public static List<Path> list(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new NoSuchFileException(dir.toString(), null, "not a folder of images");
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(ImageFiles::isImageName)
                    .filter(Files::isRegularFile)
                    .sorted()
                    .toList();
        }
    }

    /** true when the file name ends in .png, .jpg or .jpeg (any case) */
    public static boolean isImageName(Path p) {
        String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
        return EXTENSIONS.stream().anyMatch(n::endsWith);
    }

    /** what a file decodes to before conversion: its samples as Pillow's mode would hold them */
    private record Decoded(Kind kind, int height, int width, byte[][] planes) {}

    private enum Kind {
        GREY,
        RGB,
        CMYK
    }

    private static Decoded decode(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString(), null, "no such image file");
        }
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            if (in == null) {
                throw new IOException(file + ": cannot open for reading");
            }
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw new IOException(file + ": not a PNG or JPEG image (no decoder recognises its first bytes)");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                ImageReadParam param = reader.getDefaultReadParam();
                ImageTypeSpecifier cmyk = cmykType(reader);
                if (cmyk != null) {
                    param.setDestinationType(cmyk); // the stored values, not an ICC conversion: as Pillow
                }
                Decoded d = samples(reader.read(0, param), file);
                if (d.kind() == Kind.CMYK && hasAdobeMarker(reader)) {
                    // Adobe's CMYK and YCCK JPEGs store 255 - ink; Pillow reads them as "CMYK;I", inverted back
                    for (byte[] p : d.planes()) {
                        for (int i = 0; i < p.length; i++) {
                            p[i] = (byte) (255 - (p[i] & 0xff));
                        }
                    }
                }
                return d;
            } catch (IOException | RuntimeException e) {
                throw new IOException(
                        file + ": damaged or unsupported " + reader.getFormatName() + " image: " + e.getMessage(), e);
            } finally {
                reader.dispose();
            }
        }
    }

    /** true when the JPEG has Adobe's APP14 marker (in the JDK's metadata format, which TwelveMonkeys writes too) */
    private static boolean hasAdobeMarker(ImageReader reader) throws IOException {
        javax.imageio.metadata.IIOMetadata meta = reader.getImageMetadata(0);
        if (meta == null) {
            return false;
        }
        org.w3c.dom.Node tree = meta.getAsTree("javax_imageio_jpeg_image_1.0");
        return find(tree, "app14Adobe");
    }

    private static boolean find(org.w3c.dom.Node node, String name) {
        if (name.equals(node.getNodeName())) {
            return true;
        }
        for (org.w3c.dom.Node c = node.getFirstChild(); c != null; c = c.getNextSibling()) {
            if (find(c, name)) {
                return true;
            }
        }
        return false;
    }

    /** the CMYK output type TwelveMonkeys offers for CMYK and YCCK JPEGs, else null */
    private static ImageTypeSpecifier cmykType(ImageReader reader) throws IOException {
        if (!reader.getFormatName().equalsIgnoreCase("jpeg")) {
            return null;
        }
        for (Iterator<ImageTypeSpecifier> it = reader.getImageTypes(0); it.hasNext(); ) {
            ImageTypeSpecifier t = it.next();
            if (t.getColorModel().getColorSpace().getType() == ColorSpace.TYPE_CMYK) {
                return t;
            }
        }
        return null;
    }

    private static Decoded samples(BufferedImage image, Path file) throws IOException {
        int w = image.getWidth();
        int h = image.getHeight();
        Raster raster = image.getRaster();
        ColorModel cm = image.getColorModel();
        int plane = w * h;
        int[] row = new int[w];
        if (cm instanceof IndexColorModel icm) {
            byte[][] rgb = {new byte[plane], new byte[plane], new byte[plane]};
            boolean grey = true; // a grey palette (or ImageIO's ramp for 1, 2 and 4-bit grey) reads as grey
            for (int i = 0; i < icm.getMapSize(); i++) {
                grey &= icm.getRed(i) == icm.getGreen(i) && icm.getGreen(i) == icm.getBlue(i);
            }
            for (int y = 0; y < h; y++) {
                raster.getSamples(0, y, w, 1, 0, row);
                for (int x = 0; x < w; x++) {
                    int i = y * w + x;
                    rgb[0][i] = (byte) icm.getRed(row[x]);
                    rgb[1][i] = (byte) icm.getGreen(row[x]);
                    rgb[2][i] = (byte) icm.getBlue(row[x]);
                }
            }
            return grey ? new Decoded(Kind.GREY, h, w, new byte[][] {rgb[0]}) : new Decoded(Kind.RGB, h, w, rgb);
        }
        int colour = cm.getNumColorComponents();
        int spaceType = cm.getColorSpace().getType();
        Kind kind;
        if (spaceType == ColorSpace.TYPE_CMYK && colour == 4) {
            kind = Kind.CMYK;
        } else if (colour == 1) {
            kind = Kind.GREY;
        } else if (colour == 3) {
            kind = Kind.RGB;
        } else {
            throw new IOException(file + ": unsupported colour layout (" + colour + " colour components, colour space "
                    + spaceType + ")");
        }
        byte[][] planes = new byte[colour][plane];
        for (int c = 0; c < colour; c++) {
            int bits = raster.getSampleModel().getSampleSize(c);
            for (int y = 0; y < h; y++) {
                raster.getSamples(0, y, w, 1, c, row);
                for (int x = 0; x < w; x++) {
                    planes[c][y * w + x] = (byte) to8Bits(row[x], bits);
                }
            }
        }
        return new Decoded(kind, h, w, planes);
    }

    /** 1/2/4-bit samples scaled to 0..255 as Pillow's L;1, L;2, L;4 unpackers; 16-bit: the high byte */
    static int to8Bits(int v, int bits) {
        if (bits == 8) {
            return v;
        }
        if (bits > 8) {
            return v >>> (bits - 8);
        }
        return v * 255 / ((1 << bits) - 1);
    }

    private static UInt8Image convert(Decoded d, int channels, Path file) {
        int plane = d.height() * d.width();
        byte[][] rgb =
                switch (d.kind()) {
                    case GREY -> null;
                    case RGB -> d.planes();
                    case CMYK -> cmykToRgb(d.planes(), plane);
                };
        int out = channels == 0 ? (d.kind() == Kind.GREY ? 1 : 3) : channels;
        byte[] data = new byte[out * plane];
        if (out == 1) {
            if (rgb == null) {
                System.arraycopy(d.planes()[0], 0, data, 0, plane);
            } else {
                for (int i = 0; i < plane; i++) {
                    data[i] = (byte) luma(rgb[0][i] & 0xff, rgb[1][i] & 0xff, rgb[2][i] & 0xff);
                }
            }
        } else {
            for (int c = 0; c < 3; c++) {
                System.arraycopy(rgb == null ? d.planes()[0] : rgb[c], 0, data, c * plane, plane);
            }
        }
        return new UInt8Image(out, d.height(), d.width(), data);
    }

    /**
     * ITU-R 601-2 luma in Pillow's fixed point: (R * 19595 + G * 38470 + B * 7471 + 0x8000) >> 16, which is
     * R * 299/1000 + G * 587/1000 + B * 114/1000 rounded to the nearest level.
     */
    public static int luma(int r, int g, int b) {
        return (r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16;
    }

    /** Pillow's cmyk2rgb: each of R, G, B = (255 - K) - ink * (255 - K) / 255, the product rounded as MULDIV255 */
    private static byte[][] cmykToRgb(byte[][] cmyk, int plane) {
        byte[][] rgb = {new byte[plane], new byte[plane], new byte[plane]};
        for (int i = 0; i < plane; i++) {
            int nk = 255 - (cmyk[3][i] & 0xff);
            for (int c = 0; c < 3; c++) {
                int v = nk - muldiv255(cmyk[c][i] & 0xff, nk);
                rgb[c][i] = (byte) Math.max(0, Math.min(255, v));
            }
        }
        return rgb;
    }

    /** Pillow's MULDIV255(a, b): a * b / 255 rounded, in integers */
    private static int muldiv255(int a, int b) {
        int tmp = a * b + 128;
        return ((tmp >> 8) + tmp) >> 8;
    }
}
