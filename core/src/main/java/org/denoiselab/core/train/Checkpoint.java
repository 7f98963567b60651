package org.denoiselab.core.train;

import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.denoiselab.core.experiment.RunSpec;
import org.denoiselab.core.model.ParamSet;
import org.denoiselab.core.tensor.Tensors;

/**
 * A run's checkpoint: its RunSpec, step, completed epochs, optimizer step, and four tensor sections
 * (params, ema, adam.m, adam.v). Binary layout: magic "DNLCKPT1", a big-endian int length and a UTF-8
 * JSON header (spec, counters, and per section the tensor names and shapes in order), then every tensor's
 * float32 values little-endian, section by section. Restoring is bit-exact.
 */
public final class Checkpoint {
    private static final byte[] MAGIC = "DNLCKPT1".getBytes(StandardCharsets.US_ASCII);
    public static final String PARAMS = "params";
    public static final String EMA = "ema";
    public static final String ADAM_M = "adam.m";
    public static final String ADAM_V = "adam.v";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final RunSpec spec;
    private final long step;
    private final int epoch;
    private final long optimizerStep;
    private final Map<String, Map<String, Tensor>> sections;

    /** one stored tensor */
    public record Tensor(long[] shape, float[] values) {}

    /** the JSON header */
    record Header(RunSpec spec, long step, int epoch, long optimizerStep, Map<String, List<Entry>> sections) {}

    record Entry(String name, long[] shape) {}

    private Checkpoint(RunSpec spec, long step, int epoch, long optimizerStep, Map<String, Map<String, Tensor>> sections) {
        this.spec = spec;
        this.step = step;
        this.epoch = epoch;
        this.optimizerStep = optimizerStep;
        this.sections = sections;
    }

    /** Snapshot of a trainer's full state. */
    public static Checkpoint of(RunTrainer trainer) {
        Map<String, Map<String, Tensor>> sections = new LinkedHashMap<>();
        sections.put(PARAMS, snapshot(trainer.model().params()));
        sections.put(EMA, snapshot(trainer.ema().weights()));
        sections.put(ADAM_M, snapshot(trainer.optimizer().firstMoment()));
        sections.put(ADAM_V, snapshot(trainer.optimizer().secondMoment()));
        return new Checkpoint(trainer.spec(), trainer.step(), trainer.epoch(), trainer.optimizer().stepCount(), sections);
    }

    private static Map<String, Tensor> snapshot(ParamSet set) {
        Map<String, Tensor> m = new LinkedHashMap<>();
        set.arrays().forEach((k, v) -> m.put(k, new Tensor(v.getShape().getShape(), v.toFloatArray())));
        return m;
    }

    /** Puts this checkpoint's state into a trainer built from the same spec. */
    public void restoreInto(RunTrainer trainer) {
        copy(PARAMS, trainer.model().params());
        copy(EMA, trainer.ema().weights());
        copy(ADAM_M, trainer.optimizer().firstMoment());
        copy(ADAM_V, trainer.optimizer().secondMoment());
        trainer.optimizer().setStep(optimizerStep);
        trainer.restoreCounters(step, epoch);
    }

    /** Loads one section (e.g. the EMA weights for sampling) into a ParamSet with the same names. */
    public void copy(String section, ParamSet target) {
        Map<String, Tensor> src = sections.get(section);
        if (src == null) {
            throw new IllegalArgumentException("checkpoint has no section " + section);
        }
        target.arrays().forEach((name, arr) -> {
            Tensor t = src.get(name);
            if (t == null) {
                throw new IllegalArgumentException("checkpoint section " + section + " has no tensor " + name);
            }
            if (!new Shape(t.shape()).equals(arr.getShape())) {
                throw new IllegalArgumentException("checkpoint tensor " + section + "/" + name + " has shape "
                        + new Shape(t.shape()) + ", the model expects " + arr.getShape());
            }
            Tensors.overwrite(arr, t.values());
        });
        if (src.size() != target.arrays().size()) {
            throw new IllegalArgumentException("checkpoint section " + section + " has " + src.size()
                    + " tensors, the model has " + target.arrays().size());
        }
    }

    public void write(OutputStream out) throws IOException {
        Map<String, List<Entry>> index = new LinkedHashMap<>();
        sections.forEach((name, tensors) -> {
            List<Entry> entries = new ArrayList<>();
            tensors.forEach((k, t) -> entries.add(new Entry(k, t.shape())));
            index.put(name, entries);
        });
        byte[] header = JSON.writeValueAsBytes(new Header(spec, step, epoch, optimizerStep, index));
        DataOutputStream data = new DataOutputStream(out);
        data.write(MAGIC);
        data.writeInt(header.length);
        data.write(header);
        for (Map<String, Tensor> tensors : sections.values()) {
            for (Tensor t : tensors.values()) {
                ByteBuffer buf = ByteBuffer.allocate(t.values().length * 4).order(ByteOrder.LITTLE_ENDIAN);
                buf.asFloatBuffer().put(t.values());
                data.write(buf.array());
            }
        }
        data.flush();
    }

    /** Reads a checkpoint; a wrong magic, a truncated stream or a bad header gives an error that says so. */
    public static Checkpoint read(InputStream in) throws IOException {
        DataInputStream data = new DataInputStream(in);
        byte[] magic = new byte[MAGIC.length];
        try {
            data.readFully(magic);
            if (!java.util.Arrays.equals(magic, MAGIC)) {
                throw new IOException("not a denoise-lab checkpoint (bad magic)");
            }
            int headerLength = data.readInt();
            if (headerLength <= 0 || headerLength > (64 << 20)) {
                throw new IOException("corrupt checkpoint header length " + headerLength);
            }
            byte[] headerBytes = new byte[headerLength];
            data.readFully(headerBytes);
            Header header = JSON.readValue(headerBytes, Header.class);
            Map<String, Map<String, Tensor>> sections = new LinkedHashMap<>();
            for (Map.Entry<String, List<Entry>> s : header.sections().entrySet()) {
                Map<String, Tensor> tensors = new LinkedHashMap<>();
                for (Entry e : s.getValue()) {
                    long n = 1;
                    for (long d : e.shape()) {
                        n *= d;
                    }
                    byte[] raw = new byte[Math.toIntExact(n * 4)];
                    data.readFully(raw);
                    float[] values = new float[(int) n];
                    ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
                    tensors.put(e.name(), new Tensor(e.shape(), values));
                }
                sections.put(s.getKey(), tensors);
            }
            return new Checkpoint(header.spec(), header.step(), header.epoch(), header.optimizerStep(), sections);
        } catch (EOFException e) {
            throw new IOException("checkpoint is truncated", e);
        }
    }

    public RunSpec spec() {
        return spec;
    }

    public long step() {
        return step;
    }

    public int epoch() {
        return epoch;
    }

    public Map<String, Tensor> section(String name) {
        return sections.get(name);
    }
}
