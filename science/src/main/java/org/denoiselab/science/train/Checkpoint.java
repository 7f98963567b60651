package org.denoiselab.science.train;

import ai.djl.ndarray.types.Shape;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.denoiselab.science.io.Safetensors;
import org.denoiselab.science.model.ParamSet;
import org.denoiselab.science.tensor.Tensors;

/**
 * A run's checkpoint as one safetensors file, so that PyTorch opens it ({@code
 * safetensors.torch.load_file}) and its weights load into the official JiT code where a counterpart
 * exists. Tensors: the weights under the model's own names (JiT: the official code's, e.g.
 * {@code blocks.3.attn.qkv.weight}, in their PyTorch shapes), their EMA under {@code ema.}, and AdamW's
 * moments under {@code optimizer.exp_avg.} and {@code optimizer.exp_avg_sq.} (torch.optim's names).
 * Metadata (strings): {@code format} = {@value #FORMAT}, {@code format_version}, {@code step},
 * {@code epoch}, {@code optimizer_step}, for FP16 runs the loss scaler's {@code loss_scale},
 * {@code loss_scale_good_steps} and {@code skipped_steps}, and whatever the caller adds (the pipeline stores the run spec
 * as JSON under {@code run_spec}). Restoring is bit-exact.
 */
public final class Checkpoint {
    public static final String FORMAT = "denoise-lab.checkpoint";
    public static final String FORMAT_VERSION = "2";
    /** section names and their tensor-name prefixes in the file */
    public static final String PARAMS = "params";

    public static final String EMA = "ema";
    public static final String ADAM_M = "adam.m";
    public static final String ADAM_V = "adam.v";
    /** the second EMA (train.emaDecay2), when the run keeps one */
    public static final String EMA_2 = "ema2";

    private static final Map<String, String> PREFIX = Map.of(
            PARAMS, "", EMA, "ema.", ADAM_M, "optimizer.exp_avg.", ADAM_V, "optimizer.exp_avg_sq.", EMA_2, "ema2.");
    private static final byte[] FORMER_MAGIC = "DNLCKPT1".getBytes(StandardCharsets.US_ASCII);

    private final long step;
    private final int epoch;
    private final long optimizerStep;
    /** the FP16 loss scaler's state, or null for an FP32 run */
    private final ScalerState scaler;

    private final Map<String, Map<String, Tensor>> sections;
    private final Map<String, String> metadata;
    /** per tensor name, the shape recorded in the file when it differs from the tensor's own */
    private final Map<String, long[]> storedShapes;

    /** one stored tensor, in the model's (Java) shape, or the file's when read */
    public record Tensor(long[] shape, float[] values) {}

    /** what a resumed FP16 run needs of its {@link LossScaler} to continue with the same scale */
    public record ScalerState(double lossScale, int goodSteps, long skippedSteps) {}

    private static final String[] RESERVED = {
        "format",
        "format_version",
        "step",
        "epoch",
        "optimizer_step",
        "loss_scale",
        "loss_scale_good_steps",
        "skipped_steps"
    };

    private Checkpoint(
            long step,
            int epoch,
            long optimizerStep,
            ScalerState scaler,
            Map<String, Map<String, Tensor>> sections,
            Map<String, String> metadata,
            Map<String, long[]> storedShapes) {
        this.step = step;
        this.epoch = epoch;
        this.optimizerStep = optimizerStep;
        this.scaler = scaler;
        this.sections = sections;
        this.metadata = metadata;
        this.storedShapes = storedShapes;
    }

    /** Snapshot of a trainer's full state. */
    public static Checkpoint of(Trainer trainer) {
        return of(trainer, Map.of());
    }

    /**
     * Snapshot of a trainer's full state with extra metadata.
     *
     * @throws IllegalArgumentException when a metadata key is one the checkpoint sets itself
     */
    public static Checkpoint of(Trainer trainer, Map<String, String> extra) {
        LossScaler scaler = trainer.lossScaler();
        Map<String, Map<String, Tensor>> sections = new LinkedHashMap<>();
        sections.put(PARAMS, snapshot(trainer.model().params()));
        sections.put(EMA, snapshot(trainer.ema().weights()));
        sections.put(ADAM_M, snapshot(trainer.optimizer().firstMoment()));
        sections.put(ADAM_V, snapshot(trainer.optimizer().secondMoment()));
        if (trainer.emas().size() > 1) {
            sections.put(EMA_2, snapshot(trainer.emas().get(1).weights()));
        }
        for (String reserved : RESERVED) {
            if (extra.containsKey(reserved)) {
                throw new IllegalArgumentException("checkpoint metadata key " + reserved + " is reserved");
            }
        }
        return new Checkpoint(
                trainer.step(),
                trainer.epoch(),
                trainer.optimizer().stepCount(),
                scaler == null ? null : new ScalerState(scaler.scale(), scaler.goodSteps(), scaler.skippedSteps()),
                sections,
                Collections.unmodifiableMap(new LinkedHashMap<>(extra)),
                trainer.model().params().storedShapes());
    }

    private static Map<String, Tensor> snapshot(ParamSet set) {
        Map<String, Tensor> m = new LinkedHashMap<>();
        set.arrays().forEach((k, v) -> m.put(k, new Tensor(v.getShape().getShape(), v.toFloatArray())));
        return m;
    }

    /** Puts this checkpoint's state into a trainer built from the same spec. */
    public void restoreInto(Trainer trainer) {
        copy(PARAMS, trainer.model().params());
        copy(EMA, trainer.ema().weights());
        copy(ADAM_M, trainer.optimizer().firstMoment());
        copy(ADAM_V, trainer.optimizer().secondMoment());
        if (trainer.emas().size() > 1) {
            copy(EMA_2, trainer.emas().get(1).weights());
        }
        trainer.optimizer().setStep(optimizerStep);
        trainer.restoreCounters(step, epoch);
        if (trainer.lossScaler() != null && scaler != null) {
            trainer.lossScaler().restore(scaler.lossScale(), scaler.goodSteps(), scaler.skippedSteps());
        } // an FP32 checkpoint resumed in FP16 starts from the initial scale; the reverse needs none
    }

    /**
     * Loads one section (e.g. the EMA weights for sampling) into a ParamSet with the same names, in place.
     *
     * @throws IllegalArgumentException naming the section and tensor when one is missing, extra, or of another size
     */
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
            if (t.values().length != arr.size()) {
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

    /**
     * Writes the safetensors file; each tensor in the shape its model stores it in (JiT's patch
     * embedding as PyTorch's Conv2d weight [out, C, p, p]), which holds the same values in the same order.
     */
    public void write(OutputStream out) throws IOException {
        Map<String, Safetensors.Entry> entries = new LinkedHashMap<>();
        sections.forEach((section, tensors) -> tensors.forEach((name, t) -> {
            long[] shape = storedShapes.getOrDefault(name, t.shape());
            if (Safetensors.count(shape) != t.values().length) {
                throw new IllegalArgumentException("stored shape " + Arrays.toString(shape) + " of " + name
                        + " does not hold its " + t.values().length + " values");
            }
            entries.put(PREFIX.get(section) + name, new Safetensors.Entry(shape, t::values));
        }));
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", FORMAT);
        meta.put("format_version", FORMAT_VERSION);
        meta.put("step", Long.toString(step));
        meta.put("epoch", Integer.toString(epoch));
        meta.put("optimizer_step", Long.toString(optimizerStep));
        if (scaler != null) {
            meta.put("loss_scale", Double.toString(scaler.lossScale()));
            meta.put("loss_scale_good_steps", Integer.toString(scaler.goodSteps()));
            meta.put("skipped_steps", Long.toString(scaler.skippedSteps()));
        }
        meta.putAll(metadata);
        Safetensors.write(out, entries, meta);
    }

    /**
     * Reads a checkpoint. Tensors keep the shapes stored in the file; {@link #copy} matches them to a
     * model by element count.
     *
     * @throws IOException naming the problem: the former "DNLCKPT1" format (no longer read: retrain, or
     *                     read it with a denoise-lab build from before the safetensors checkpoints), not a
     *                     safetensors file, not a denoise-lab checkpoint, a truncated file
     */
    public static Checkpoint read(InputStream in) throws IOException {
        InputStream buffered = in.markSupported() ? in : new BufferedInputStream(in);
        buffered.mark(FORMER_MAGIC.length);
        byte[] head = buffered.readNBytes(FORMER_MAGIC.length);
        buffered.reset();
        if (Arrays.equals(head, FORMER_MAGIC)) {
            throw new IOException("checkpoint in denoise-lab's former format DNLCKPT1, which is no longer read;"
                    + " checkpoints are safetensors files since format_version 2: retrain the run");
        }
        Safetensors.Contents c = Safetensors.read(buffered);
        Map<String, String> meta = new LinkedHashMap<>(c.metadata());
        if (!FORMAT.equals(meta.get("format"))) {
            throw new IOException("safetensors file is not a denoise-lab checkpoint (metadata format = "
                    + meta.get("format") + ", expected " + FORMAT + ")");
        }
        if (!FORMAT_VERSION.equals(meta.get("format_version"))) {
            throw new IOException("checkpoint format_version " + meta.get("format_version") + " is not read by this"
                    + " build (it reads " + FORMAT_VERSION + ")");
        }
        Map<String, Map<String, Tensor>> sections = new LinkedHashMap<>();
        for (String s : new String[] {PARAMS, EMA, ADAM_M, ADAM_V, EMA_2}) {
            sections.put(s, new LinkedHashMap<>());
        }
        c.tensors().forEach((key, t) -> {
            String section = PARAMS;
            String name = key;
            for (Map.Entry<String, String> p : PREFIX.entrySet()) {
                if (!p.getValue().isEmpty() && key.startsWith(p.getValue())) {
                    section = p.getKey();
                    name = key.substring(p.getValue().length());
                }
            }
            sections.get(section).put(name, new Tensor(t.shape(), t.values()));
        });
        if (sections.get(EMA_2).isEmpty()) {
            sections.remove(EMA_2); // the run kept one EMA
        }
        try {
            long step = Long.parseLong(meta.remove("step"));
            int epoch = Integer.parseInt(meta.remove("epoch"));
            long optimizerStep = Long.parseLong(meta.remove("optimizer_step"));
            String lossScale = meta.remove("loss_scale");
            String goodSteps = meta.remove("loss_scale_good_steps");
            String skipped = meta.remove("skipped_steps");
            ScalerState scaler = lossScale == null
                    ? null
                    : new ScalerState(
                            Double.parseDouble(lossScale),
                            goodSteps == null ? 0 : Integer.parseInt(goodSteps),
                            skipped == null ? 0 : Long.parseLong(skipped));
            if (scaler != null && !(scaler.lossScale() > 0 && Double.isFinite(scaler.lossScale()))) {
                throw new IOException("checkpoint metadata loss_scale " + lossScale + " is not positive and finite");
            }
            meta.remove("format");
            meta.remove("format_version");
            return new Checkpoint(
                    step, epoch, optimizerStep, scaler, sections, Collections.unmodifiableMap(meta), Map.of());
        } catch (NumberFormatException e) {
            throw new IOException(
                    "checkpoint metadata step/epoch/optimizer_step/loss_scale is not a number: " + e.getMessage(), e);
        }
    }

    public long step() {
        return step;
    }

    public int epoch() {
        return epoch;
    }

    /** the FP16 loss scaler's stored state, or null for an FP32 run */
    public ScalerState scaler() {
        return scaler;
    }

    /** a metadata entry the caller stored (null when absent) */
    public String metadata(String key) {
        return metadata.get(key);
    }

    /** the caller's metadata */
    public Map<String, String> metadata() {
        return metadata;
    }

    public Map<String, Tensor> section(String name) {
        return sections.get(name);
    }
}
