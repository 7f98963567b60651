package org.denoiselab.science.eval;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * NumPy's .npy format (version 1.0, C order, little endian) for the three element types the project
 * exchanges: uint8 sample batches, float32 features and float64 statistics. Headers are written
 * exactly as NumPy writes them (dict literal, space padded so the data starts at a multiple of 64,
 * newline last) so files round-trip byte for byte.
 */
public final class Npy {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final int GROWTH_AXIS_DIGITS = 21;
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern ORDER = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    /** element types, with NumPy's descr string and size in bytes */
    public enum Type {
        UINT8("|u1", 1),
        FLOAT32("<f4", 4),
        FLOAT64("<f8", 8);

        final String descr;
        final int bytes;

        Type(String descr, int bytes) {
            this.descr = descr;
            this.bytes = bytes;
        }

        static Type of(String descr, String source) {
            for (Type t : values()) {
                if (t.descr.equals(descr) || (t == UINT8 && descr.equals("<u1"))) {
                    return t;
                }
            }
            throw new IllegalArgumentException(
                    source + ": unsupported dtype '" + descr + "' (expected one of |u1, <f4, <f8)");
        }
    }

    /** An n-dimensional array as read: its type, shape and raw little-endian element bytes. */
    public record Array(Type type, long[] shape, byte[] data) {
        public long count() {
            long c = 1;
            for (long s : shape) {
                c *= s;
            }
            return c;
        }

        public double[] asDoubles() {
            int n = Math.toIntExact(count());
            double[] out = new double[n];
            ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < n; i++) {
                out[i] = switch (type) {
                    case UINT8 -> data[i] & 0xff;
                    case FLOAT32 -> b.getFloat(4 * i);
                    case FLOAT64 -> b.getDouble(8 * i);
                };
            }
            return out;
        }

        public byte[] asUint8(String source) {
            if (type != Type.UINT8) {
                throw new IllegalArgumentException(source + ": expected dtype uint8, got " + type.descr);
            }
            return data;
        }

        @Override
        public String toString() {
            return type.descr + Arrays.toString(shape);
        }
    }

    private Npy() {}

    public static Array uint8(byte[] data, long... shape) {
        return checked(new Array(Type.UINT8, shape, data));
    }

    public static Array float64(double[] values, long... shape) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (double v : values) {
            b.putDouble(v);
        }
        return checked(new Array(Type.FLOAT64, shape, b.array()));
    }

    public static Array float32(float[] values, long... shape) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            b.putFloat(v);
        }
        return checked(new Array(Type.FLOAT32, shape, b.array()));
    }

    private static Array checked(Array a) {
        if (a.count() * a.type().bytes != a.data().length) {
            throw new IllegalArgumentException("array of shape " + Arrays.toString(a.shape()) + " and dtype "
                    + a.type().descr + " needs " + a.count() * a.type().bytes + " bytes, got " + a.data().length);
        }
        return a;
    }

    /** NumPy's header text: "{'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), }" padded. */
    static byte[] header(Type type, long[] shape) {
        StringBuilder s =
                new StringBuilder("{'descr': '").append(type.descr).append("', 'fortran_order': False, 'shape': (");
        for (int i = 0; i < shape.length; i++) {
            s.append(i == 0 ? "" : ", ").append(shape[i]);
        }
        if (shape.length == 1) {
            s.append(',');
        }
        s.append("), }");
        // NumPy leaves room for the first axis to grow to 21 digits, then pads with 1..64 spaces so
        // that magic(6) + version(2) + length(2) + text + '\n' is a multiple of 64.
        if (shape.length > 0) {
            s.append(" "
                    .repeat(Math.max(
                            0, GROWTH_AXIS_DIGITS - Long.toString(shape[0]).length())));
        }
        int total = MAGIC.length + 4 + s.length() + 1;
        int pad = 64 - total % 64;
        s.append(" ".repeat(pad)).append('\n');
        byte[] text = s.toString().getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer b = ByteBuffer.allocate(MAGIC.length + 4 + text.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) text.length).put(text);
        return b.array();
    }

    public static void write(Array a, OutputStream out) throws IOException {
        out.write(header(a.type(), a.shape()));
        out.write(a.data());
    }

    public static void write(Array a, Path file) throws IOException {
        try (OutputStream out = new java.io.BufferedOutputStream(Files.newOutputStream(file))) {
            write(a, out);
        }
    }

    public static Array read(Path file) throws IOException {
        try (InputStream in = new java.io.BufferedInputStream(Files.newInputStream(file))) {
            return read(in, file.toString());
        } catch (java.nio.file.NoSuchFileException e) {
            throw new IOException(file + ": file not found", e);
        }
    }

    /** reads one array; {@code source} names the file in error messages */
    public static Array read(InputStream in, String source) throws IOException {
        byte[] magic = in.readNBytes(MAGIC.length + 2);
        if (magic.length < MAGIC.length + 2 || !Arrays.equals(Arrays.copyOf(magic, MAGIC.length), MAGIC)) {
            throw new IOException(source + ": not a .npy file (missing \\x93NUMPY magic)");
        }
        int major = magic[MAGIC.length];
        int headerLen;
        if (major == 1) {
            byte[] len = in.readNBytes(2);
            headerLen = (len[0] & 0xff) | (len[1] & 0xff) << 8;
        } else if (major == 2 || major == 3) {
            byte[] len = in.readNBytes(4);
            headerLen = ByteBuffer.wrap(len).order(ByteOrder.LITTLE_ENDIAN).getInt();
        } else {
            throw new IOException(source + ": unsupported .npy version " + major);
        }
        String header = new String(in.readNBytes(headerLen), StandardCharsets.ISO_8859_1);
        Matcher d = DESCR.matcher(header);
        Matcher o = ORDER.matcher(header);
        Matcher s = SHAPE.matcher(header);
        if (!d.find() || !o.find() || !s.find()) {
            throw new IOException(source + ": malformed .npy header: " + header.trim());
        }
        if (o.group(1).equals("True")) {
            throw new IOException(source + ": Fortran-ordered arrays are not supported (expected C order)");
        }
        Type type;
        try {
            type = Type.of(d.group(1), source);
        } catch (IllegalArgumentException e) {
            throw new IOException(e.getMessage(), e);
        }
        long[] shape = Arrays.stream(s.group(1).split(","))
                .map(String::trim)
                .filter(x -> !x.isEmpty())
                .mapToLong(Long::parseLong)
                .toArray();
        long count = 1;
        for (long dim : shape) {
            count *= dim;
        }
        long bytes = count * type.bytes;
        if (bytes > Integer.MAX_VALUE - 16) {
            throw new IOException(source + ": array of " + bytes + " bytes is too large to load at once");
        }
        byte[] data = in.readNBytes((int) bytes);
        if (data.length != bytes) {
            throw new IOException(source + ": truncated data, expected " + bytes + " bytes for shape "
                    + Arrays.toString(shape) + ", found " + data.length);
        }
        return new Array(type, shape, data);
    }

    static byte[] toBytes(Array a) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            write(a, out);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out.toByteArray();
    }
}
