package org.denoiselab.science.io;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The safetensors format (Hugging Face; what {@code safetensors.torch.load_file} reads): an 8-byte
 * little-endian header length N, N bytes of UTF-8 JSON (padded with spaces to a multiple of 8), then one
 * byte buffer. The header maps each tensor name to {"dtype", "shape", "data_offsets": [begin, end]}
 * (offsets into the buffer, contiguous, no gaps), and "__metadata__" to a map of strings. Here every
 * tensor is float32 ("F32", little-endian, row-major), streamed one tensor at a time, so files of any
 * size are written and read without holding their bytes twice. DJL's NDList safetensors codec keeps no
 * metadata and stops at 2 GiB, which a JiT-B checkpoint exceeds.
 *
 * <p>The header JSON goes through Gson, which DJL itself depends on.
 */
public final class Safetensors {
    /** a header larger than this is refused (the reference implementation's limit is 100 MB) */
    public static final int MAX_HEADER_BYTES = 100_000_000;

    private static final String METADATA = "__metadata__";

    private Safetensors() {}

    /** One tensor to write: its shape and a source of its float32 values (called once, when written). */
    public record Entry(long[] shape, ValuesSupplier values) {}

    /** Produces a tensor's values when the writer reaches it. */
    @FunctionalInterface
    public interface ValuesSupplier {
        float[] get() throws IOException;
    }

    /** A tensor that was read: its shape and values. */
    public record Tensor(long[] shape, float[] values) {}

    /** A whole file that was read: tensors in file order, and the metadata. */
    public record Contents(Map<String, Tensor> tensors, Map<String, String> metadata) {}

    /**
     * Writes tensors in the given order with their metadata.
     *
     * @throws IOException when the stream fails or a supplier gives a different number of values than
     *                     its shape holds
     */
    public static void write(OutputStream out, Map<String, Entry> tensors, Map<String, String> metadata)
            throws IOException {
        JsonObject header = new JsonObject();
        if (!metadata.isEmpty()) {
            JsonObject meta = new JsonObject();
            metadata.forEach(meta::addProperty);
            header.add(METADATA, meta);
        }
        long offset = 0;
        for (Map.Entry<String, Entry> e : tensors.entrySet()) {
            if (e.getKey().equals(METADATA)) {
                throw new IllegalArgumentException("a tensor may not be named " + METADATA);
            }
            long bytes = 4 * count(e.getValue().shape());
            JsonObject t = new JsonObject();
            t.addProperty("dtype", "F32");
            JsonArray shape = new JsonArray();
            for (long d : e.getValue().shape()) {
                shape.add(d);
            }
            t.add("shape", shape);
            JsonArray offsets = new JsonArray();
            offsets.add(offset);
            offsets.add(offset + bytes);
            t.add("data_offsets", offsets);
            header.add(e.getKey(), t);
            offset += bytes;
        }
        byte[] json = header.toString().getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8;
        byte[] head = Arrays.copyOf(json, padded);
        Arrays.fill(head, json.length, padded, (byte) ' ');
        out.write(ByteBuffer.allocate(8)
                .order(ByteOrder.LITTLE_ENDIAN)
                .putLong(padded)
                .array());
        out.write(head);
        for (Map.Entry<String, Entry> e : tensors.entrySet()) {
            float[] values = e.getValue().values().get();
            if (values.length != count(e.getValue().shape())) {
                throw new IOException("tensor " + e.getKey() + " has " + values.length + " values, its shape "
                        + Arrays.toString(e.getValue().shape()) + " holds "
                        + count(e.getValue().shape()));
            }
            ByteBuffer buf = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
            buf.asFloatBuffer().put(values);
            out.write(buf.array());
        }
        out.flush();
    }

    /**
     * Reads a whole file whose tensors are all float32.
     *
     * @throws IOException naming the problem: not safetensors (a header length out of range or not a JSON
     *                     object), a tensor of another dtype, offsets with gaps or overlaps, a truncated file
     */
    public static Contents read(InputStream in) throws IOException {
        DataInputStream data = new DataInputStream(in);
        byte[] lengthBytes = new byte[8];
        try {
            data.readFully(lengthBytes);
        } catch (EOFException e) {
            throw new IOException("not a safetensors file: shorter than its 8-byte header length", e);
        }
        long headerLength =
                ByteBuffer.wrap(lengthBytes).order(ByteOrder.LITTLE_ENDIAN).getLong();
        if (headerLength < 2 || headerLength > MAX_HEADER_BYTES) {
            throw new IOException("not a safetensors file: header length " + headerLength + " is out of range");
        }
        byte[] json = new byte[(int) headerLength];
        try {
            data.readFully(json);
        } catch (EOFException e) {
            throw new IOException("safetensors file is truncated inside its header", e);
        }
        JsonObject header;
        try {
            JsonElement parsed = JsonParser.parseString(new String(json, StandardCharsets.UTF_8));
            if (!parsed.isJsonObject()) {
                throw new IOException("not a safetensors file: the header is not a JSON object");
            }
            header = parsed.getAsJsonObject();
        } catch (JsonParseException e) {
            throw new IOException("not a safetensors file: the header is not JSON (" + e.getMessage() + ")", e);
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        record Slot(String name, long[] shape, long begin, long end) {}
        List<Slot> slots = new ArrayList<>();
        for (Map.Entry<String, JsonElement> e : header.entrySet()) {
            try {
                if (e.getKey().equals(METADATA)) {
                    e.getValue()
                            .getAsJsonObject()
                            .entrySet()
                            .forEach(m -> metadata.put(m.getKey(), m.getValue().getAsString()));
                    continue;
                }
                JsonObject t = e.getValue().getAsJsonObject();
                String dtype = t.get("dtype").getAsString();
                if (!dtype.equals("F32")) {
                    throw new IOException("tensor " + e.getKey() + " has dtype " + dtype + ", only F32 is read");
                }
                JsonArray shape = t.getAsJsonArray("shape");
                long[] dims = new long[shape.size()];
                for (int i = 0; i < dims.length; i++) {
                    dims[i] = shape.get(i).getAsLong();
                }
                JsonArray offsets = t.getAsJsonArray("data_offsets");
                slots.add(new Slot(
                        e.getKey(),
                        dims,
                        offsets.get(0).getAsLong(),
                        offsets.get(1).getAsLong()));
            } catch (RuntimeException bad) {
                throw new IOException(
                        "safetensors header entry " + e.getKey() + " is malformed: " + bad.getMessage(), bad);
            }
        }
        slots.sort(Comparator.comparingLong(Slot::begin));
        Map<String, Tensor> byOffset = new LinkedHashMap<>();
        long position = 0;
        for (Slot s : slots) {
            long bytes = 4 * count(s.shape());
            if (s.begin() != position || s.end() - s.begin() != bytes) {
                throw new IOException(
                        "tensor " + s.name() + " has data_offsets [" + s.begin() + ", " + s.end() + "], expected ["
                                + position + ", " + (position + bytes) + "] for shape " + Arrays.toString(s.shape()));
            }
            byte[] raw = new byte[Math.toIntExact(bytes)];
            try {
                data.readFully(raw);
            } catch (EOFException e) {
                throw new IOException("safetensors file is truncated inside tensor " + s.name(), e);
            }
            float[] values = new float[raw.length / 4];
            ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
            byOffset.put(s.name(), new Tensor(s.shape(), values));
            position += bytes;
        }
        // hand the tensors back in header order (the order they were written in)
        Map<String, Tensor> ordered = new LinkedHashMap<>();
        for (Map.Entry<String, JsonElement> e : header.entrySet()) {
            Tensor t = byOffset.get(e.getKey());
            if (t != null) {
                ordered.put(e.getKey(), t);
            }
        }
        return new Contents(Collections.unmodifiableMap(ordered), Collections.unmodifiableMap(metadata));
    }

    /** number of elements of a shape */
    public static long count(long[] shape) {
        long n = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            }
            n = Math.multiplyExact(n, d);
        }
        return n;
    }
}
