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
 * NumPy's .npy format (https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html) for the
 * element types the project exchanges: uint8 sample batches, float32 features and float64 statistics.
 *
 * <p>Reading accepts format versions 1, 2 and 3, C and Fortran order and either byte order ({@code <f8},
 * {@code >f4}, {@code |u1}, ...); the array comes back in C order, little endian. Any other dtype (integers
 * wider than a byte, booleans, float16, complex, structured or object arrays) is refused with an
 * {@link IOException} naming the source and the dtype. Writing produces version 1.0, C order, little endian,
 * with the header exactly as NumPy writes it (dict literal, space padded so the data starts at a multiple of
 * 64, newline last), so files round-trip byte for byte.
 */
public final class Npy {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final int GROWTH_AXIS_DIGITS = 21;
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern DESCR_ANY = Pattern.compile("'descr'\\s*:\\s*(\\[[^\\]]*\\]|\\S+)");
    private static final Pattern ORDER = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    /** element types, with NumPy's little-endian descr string and size in bytes */
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

        /** NumPy's name of the type, for messages */
        public String numpyName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** a descr the reader understands: the type and whether its bytes are big endian */
    private record Dtype(Type type, boolean bigEndian) {
        static Dtype of(String descr, String source) throws IOException {
            switch (descr) {
                case "|u1", "<u1", ">u1", "=u1", "u1", "B":
                    return new Dtype(Type.UINT8, false);
                case "<f4", "=f4":
                    return new Dtype(Type.FLOAT32, false);
                case ">f4":
                    return new Dtype(Type.FLOAT32, true);
                case "<f8", "=f8":
                    return new Dtype(Type.FLOAT64, false);
                case ">f8":
                    return new Dtype(Type.FLOAT64, true);
                default:
                    throw new IOException(source + ": unsupported dtype '" + descr + "'" + known(descr)
                            + "; expected uint8 (|u1), float32 (<f4, >f4) or float64 (<f8, >f8)");
            }
        }

        private static String known(String descr) {
            if (descr.length() < 2) {
                return "";
            }
            String kind =
                    switch (descr.charAt(1)) {
                        case 'i' -> "int";
                        case 'u' -> "uint";
                        case 'f' -> "float";
                        case 'c' -> "complex";
                        case 'b' -> "bool";
                        case 'O' -> "object";
                        case 'U' -> "str";
                        case 'S' -> "bytes";
                        case 'M' -> "datetime64";
                        default -> null;
                    };
            if (kind == null) {
                return "";
            }
            if (descr.length() < 3) {
                return " (" + kind + ")";
            }
            try {
                int size = Integer.parseInt(descr.substring(2));
                return " (" + kind
                        + (kind.equals("int") || kind.equals("uint") || kind.equals("float") || kind.equals("complex")
                                ? Integer.toString(8 * size)
                                : "")
                        + ")";
            } catch (NumberFormatException e) {
                return " (" + kind + ")";
            }
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
                throw new IllegalArgumentException(source + ": expected dtype uint8, got " + type.numpyName());
            }
            return data;
        }

        /**
         * The index of the first NaN or infinite element in C order, or -1 when every element is finite
         * (always -1 for uint8).
         */
        public long firstNonFinite() {
            if (type == Type.UINT8) {
                return -1;
            }
            ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
            long n = count();
            for (int i = 0; i < n; i++) {
                double v = type == Type.FLOAT32 ? b.getFloat(4 * i) : b.getDouble(8 * i);
                if (!Double.isFinite(v)) {
                    return i;
                }
            }
            return -1;
        }

        /**
         * @throws IOException "SOURCE: array 'NAME' holds NaN at index [i, j] (element k of N)" when an element is
         *     not finite
         */
        public Array requireFinite(String source, String name) throws IOException {
            long at = firstNonFinite();
            if (at >= 0) {
                ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
                double v = type == Type.FLOAT32 ? b.getFloat(4 * (int) at) : b.getDouble(8 * (int) at);
                throw new NonFiniteException(source + ": array '" + name + "' holds " + v + " at index "
                        + Arrays.toString(unravel(at, shape)) + " (" + countNonFinite() + " of " + count()
                        + " elements are not finite)");
            }
            return this;
        }

        private long countNonFinite() {
            double[] v = asDoubles();
            long n = 0;
            for (double x : v) {
                if (!Double.isFinite(x)) {
                    n++;
                }
            }
            return n;
        }

        @Override
        public String toString() {
            return type.numpyName() + " " + Arrays.toString(shape);
        }
    }

    private Npy() {}

    /** Non-finite numbers (NaN or infinity) where only finite ones make sense; the message names file and array. */
    public static final class NonFiniteException extends IOException {
        public NonFiniteException(String message) {
            super(message);
        }
    }

    /** the multi-index of element {@code flat} of a C-ordered array of this shape */
    static long[] unravel(long flat, long[] shape) {
        long[] idx = new long[shape.length];
        for (int k = shape.length - 1; k >= 0; k--) {
            idx[k] = shape[k] == 0 ? 0 : flat % shape[k];
            flat = shape[k] == 0 ? 0 : flat / shape[k];
        }
        return idx;
    }

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

    /**
     * Reads one array; {@code source} names the file (and the key, inside an .npz) in error messages.
     *
     * @throws IOException naming the source: not a .npy, an unsupported version or dtype, a malformed
     *     header, or fewer data bytes than the shape needs
     */
    public static Array read(InputStream in, String source) throws IOException {
        byte[] magic = in.readNBytes(MAGIC.length + 2);
        if (magic.length < MAGIC.length + 2 || !Arrays.equals(Arrays.copyOf(magic, MAGIC.length), MAGIC)) {
            throw new IOException(source + ": not a .npy file (missing \\x93NUMPY magic)");
        }
        int major = magic[MAGIC.length];
        long headerLen;
        if (major == 1) {
            byte[] len = in.readNBytes(2);
            if (len.length < 2) {
                throw new IOException(source + ": truncated .npy header");
            }
            headerLen = (len[0] & 0xff) | (len[1] & 0xff) << 8;
        } else if (major == 2 || major == 3) {
            byte[] len = in.readNBytes(4);
            if (len.length < 4) {
                throw new IOException(source + ": truncated .npy header");
            }
            headerLen = ByteBuffer.wrap(len).order(ByteOrder.LITTLE_ENDIAN).getInt() & 0xffffffffL;
        } else {
            throw new IOException(source + ": unsupported .npy format version " + major + " (expected 1, 2 or 3)");
        }
        if (headerLen > 1 << 20) {
            throw new IOException(source + ": .npy header of " + headerLen + " bytes, expected a small dict");
        }
        byte[] headerBytes = in.readNBytes((int) headerLen);
        if (headerBytes.length != headerLen) {
            throw new IOException(source + ": truncated .npy header");
        }
        String header = new String(headerBytes, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        Matcher d = DESCR.matcher(header);
        Matcher o = ORDER.matcher(header);
        Matcher s = SHAPE.matcher(header);
        if (!d.find()) {
            Matcher any = DESCR_ANY.matcher(header);
            throw new IOException(source
                    + (any.find()
                            ? ": unsupported dtype " + any.group(1) + " (structured or unnamed);"
                                    + " expected uint8 (|u1), float32 (<f4, >f4) or float64 (<f8, >f8)"
                            : ": malformed .npy header (no 'descr'): " + header.trim()));
        }
        if (!o.find() || !s.find()) {
            throw new IOException(source + ": malformed .npy header: " + header.trim());
        }
        Dtype dtype = Dtype.of(d.group(1), source);
        long[] shape;
        try {
            shape = Arrays.stream(s.group(1).split(","))
                    .map(x -> x.trim().replaceAll("[lL]$", ""))
                    .filter(x -> !x.isEmpty())
                    .mapToLong(Long::parseLong)
                    .toArray();
        } catch (NumberFormatException e) {
            throw new IOException(source + ": malformed shape (" + s.group(1) + ") in the .npy header");
        }
        long count = 1;
        for (long dim : shape) {
            if (dim < 0) {
                throw new IOException(source + ": negative dimension in shape " + Arrays.toString(shape));
            }
            count = Math.multiplyHigh(count, dim) != 0 ? Long.MAX_VALUE : count * dim;
        }
        Type type = dtype.type();
        if (count > (Integer.MAX_VALUE - 16) / type.bytes) {
            throw new IOException(source + ": array of shape " + Arrays.toString(shape) + " and dtype "
                    + type.numpyName() + " is too large to load at once");
        }
        int bytes = (int) count * type.bytes;
        byte[] data = in.readNBytes(bytes);
        if (data.length != bytes) {
            throw new IOException(source + ": truncated data, expected " + bytes + " bytes for shape "
                    + Arrays.toString(shape) + ", found " + data.length);
        }
        if (dtype.bigEndian()) {
            swapBytes(data, type.bytes);
        }
        if (o.group(1).equals("True") && shape.length > 1) {
            data = fortranToC(data, shape, type.bytes);
        }
        return new Array(type, shape, data);
    }

    /** reverses each element's bytes in place */
    private static void swapBytes(byte[] data, int size) {
        for (int i = 0; i < data.length; i += size) {
            for (int a = i, b = i + size - 1; a < b; a++, b--) {
                byte t = data[a];
                data[a] = data[b];
                data[b] = t;
            }
        }
    }

    /** column-major (first index fastest) element order to row-major (last index fastest) */
    static byte[] fortranToC(byte[] data, long[] shape, int size) {
        int n = shape.length;
        int count = data.length / size;
        byte[] out = new byte[data.length];
        int[] idx = new int[n];
        int[] fStride = new int[n];
        int stride = 1;
        for (int k = 0; k < n; k++) {
            fStride[k] = stride;
            stride *= (int) shape[k];
        }
        for (int c = 0; c < count; c++) { // c runs through the C order; idx is its multi-index
            int f = 0;
            for (int k = 0; k < n; k++) {
                f += idx[k] * fStride[k];
            }
            System.arraycopy(data, f * size, out, c * size, size);
            for (int k = n - 1; k >= 0; k--) {
                if (++idx[k] < shape[k]) {
                    break;
                }
                idx[k] = 0;
            }
        }
        return out;
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
