package org.denoiselab.science.train;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import java.util.SplittableRandom;
import org.denoiselab.science.data.DeviceDataset;
import org.denoiselab.science.diffusion.Ddpm;
import org.denoiselab.science.diffusion.FlowMatching;
import org.denoiselab.science.diffusion.Method;
import org.denoiselab.science.diffusion.TimeSampler;
import org.denoiselab.science.model.Denoiser;
import org.denoiselab.science.model.Models;
import org.denoiselab.science.model.Precision;
import org.denoiselab.science.spec.RunSpec;
import org.denoiselab.science.tensor.Scalars;
import org.denoiselab.science.tensor.Tensors;
import org.denoiselab.science.util.Engines;

/**
 * The training state of one run (model, AdamW, EMA, step counter) and its training step: draw t and
 * noise, build z, run the network, take the loss in the run's loss space, back-propagate, update.
 *
 * <p>Every random draw of step s comes from a generator seeded by (run seed, s), so a run restored from
 * a checkpoint continues exactly as if it had never stopped.
 *
 * <p>In FLOAT32 a loss or gradient that is not finite fails the run at that step ({@link
 * DivergedException}, whose message becomes the run's failure reason), before anything is updated.
 * (Single NaN steps seen earlier under load were wrong gradients from Java-owned memory that PyTorch's
 * graph outlived, see core.tensor; skipping steps belongs to a FLOAT16 loss scaler.)
 *
 * <p>Every tensor made from Java data goes through {@link Tensors} into PyTorch-owned memory, and every
 * Java number through {@link Scalars}, so a garbage collection between forward and backward cannot
 * change a gradient: the same request gives the same losses, step for step, under any load.
 */
public final class Trainer implements AutoCloseable {

    private final RunSpec spec;
    private final NDManager manager;
    private final Denoiser model;
    private final AdamW optimizer;
    private final Ema ema;
    /** the second EMA (train.emaDecay2), or null */
    private final Ema ema2;
    /** FP16's dynamic loss scale, or null in FP32 */
    private final LossScaler scaler;

    private int skippedInARow;
    /** {@link #MAX_SKIPPED_IN_A_ROW}, lowered by tests that exercise the limit */
    int maxSkippedInARow = MAX_SKIPPED_IN_A_ROW;

    /** FP16 steps skipped in a row after which the run has diverged (the scale fell by 2^this) */
    public static final int MAX_SKIPPED_IN_A_ROW = 40;

    private final TimeSampler timeSampler;
    private final Ddpm ddpm;
    private final int[] shape;
    private long step;
    private int epoch;

    public Trainer(RunSpec spec, int channels, int height, int width, int numClasses, Device device) {
        Engines.pytorch();
        this.spec = spec;
        this.shape = new int[] {channels, height, width};
        this.manager = NDManager.newBaseManager(device, "PyTorch");
        RunSpec.TrainSpec train = spec.train();
        this.model = Models.create(manager, spec.model(), channels, height, width, numClasses, train.seed());
        model.params().requireGradients();
        this.optimizer = AdamW.paper(model.params(), manager);
        this.ema = new Ema(model.params(), manager, train.emaDecay());
        this.ema2 = train.emaDecay2() > 0 ? new Ema(model.params(), manager, train.emaDecay2()) : null;
        this.timeSampler = TimeSampler.of(train.timeSampling(), train.tMean(), train.tStd());
        this.scaler = train.precision() == Precision.FP16 ? new LossScaler() : null;
        model.setPrecision(train.precision());
        this.ddpm = spec.method() == Method.DDPM ? new Ddpm() : null;
    }

    /**
     * One optimisation step on a batch (count samples of C*H*W floats in [-1, 1], CHW order).
     *
     * @return the batch loss before the update
     * @throws DivergedException when the loss or a gradient is not finite in FP32 (nothing is updated), or
     *                           FP16 steps keep overflowing ({@link #MAX_SKIPPED_IN_A_ROW} in a row)
     */
    public float trainStep(float[] images, int[] labels, int count) {
        RunSpec.TrainSpec train = spec.train();
        long seed = mix(train.seed(), step);
        SplittableRandom random = new SplittableRandom(seed);
        long[] y = dropLabels(labels, count, random, train.labelDropProb());
        try (NDManager s = manager.newSubManager()) {
            int length = count * shape[0] * shape[1] * shape[2];
            float[] data = images.length == length ? images : java.util.Arrays.copyOf(images, length);
            if (spec.dataset().randomFlip()) {
                data = flipSome(data == images ? data.clone() : data, count, random);
            }
            NDArray x = Tensors.of(s, data, new Shape(count, shape[0], shape[1], shape[2]));
            return step(s, x, Tensors.of(s, y), seed);
        }
    }

    /**
     * The same step on a batch gathered on the device from a {@link DeviceDataset} (no host round trip):
     * label dropping and flips draw from the same seeded generator as {@link #trainStep(float[], int[],
     * int)}, so both paths give the same losses bit for bit.
     *
     * @param indices the batch's rows of the dataset, in order
     */
    public float trainStep(DeviceDataset data, int[] indices) {
        RunSpec.TrainSpec train = spec.train();
        long seed = mix(train.seed(), step);
        SplittableRandom random = new SplittableRandom(seed);
        int count = indices.length;
        try (NDManager s = manager.newSubManager()) {
            DeviceDataset.Batch batch = data.gather(indices, s);
            boolean[] drop = dropMask(count, random, train.labelDropProb());
            boolean[] flip = spec.dataset().randomFlip() ? flipMask(count, random) : null;
            NDArray y = batch.labels();
            if (hasTrue(drop)) {
                NDArray mask = Tensors.ofBooleans(s, drop);
                NDArray nullClass = Scalars.add(y.zerosLike(), model.numClasses());
                y = NDArrays.where(mask, nullClass, y);
            }
            NDArray x = batch.images();
            if (flip != null && hasTrue(flip)) {
                NDArray mask =
                        Tensors.ofBooleans(s, flip).reshape(count, 1, 1, 1).broadcast(x.getShape());
                x = NDArrays.where(mask, x.flip(3), x);
            }
            return step(s, x, y, seed);
        }
    }

    /** noise, time, forward, loss, backward, update: the part both kinds of batch share */
    private float step(NDManager s, NDArray x, NDArray yArr, long seed) {
        RunSpec.TrainSpec train = spec.train();
        JniUtils.setSeed(seed);
        int count = Math.toIntExact(x.getShape().get(0));
        float loss;
        NDArray e = s.randomNormal(x.getShape());
        if (train.noiseScale() != 1.0) {
            e = Scalars.mul(e, train.noiseScale());
        }
        NDArray lossArr;
        double lossScale = scaler == null ? 1.0 : scaler.scale();
        model.setTraining(true);
        try (GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
            if (ddpm == null) {
                NDArray t = timeSampler.sample(s, count);
                NDArray z = FlowMatching.interpolate(x, e, t);
                NDArray out = model.forward(model.params(), z, t, yArr);
                lossArr = FlowMatching.loss(spec.prediction(), spec.loss(), out, x, e, z, t);
            } else {
                NDArray k = ddpm.sampleSteps(s, count);
                NDArray z = ddpm.noisy(x, e, k);
                NDArray out = model.forward(model.params(), z, ddpm.timeForNetwork(k), yArr);
                lossArr = Ddpm.loss(out, e);
            }
            collector.backward(scaler == null ? lossArr : Scalars.mul(lossArr, lossScale));
        } finally {
            model.setTraining(false);
        }
        loss = lossArr.getFloat();
        String nonFinite = !Float.isFinite(loss) ? "loss is " + loss : optimizer.firstNonFiniteGradient(model.params());
        double gradScale = 1.0;
        if (scaler != null) {
            // FP16: an overflow halves the scale and skips the step; only a run of them means divergence
            if (!scaler.update(nonFinite == null)) {
                optimizer.zeroGradients(model.params());
                skippedInARow++;
                if (skippedInARow >= maxSkippedInARow) {
                    throw new DivergedException(nonFinite + " at step " + step + " (epoch " + (epoch + 1) + "), "
                            + skippedInARow + " FP16 steps in a row skipped, loss scale " + scaler.scale());
                }
                step++;
                return loss;
            }
            skippedInARow = 0;
            gradScale = 1.0 / lossScale; // the gradients carry the scale this step's backward used
        } else if (nonFinite != null) {
            optimizer.zeroGradients(model.params());
            throw new DivergedException(nonFinite + " at step " + step + " (epoch " + (epoch + 1) + ")");
        }
        optimizer.step(model.params(), learningRate(step), gradScale);
        ema.update(model.params(), step);
        if (ema2 != null) {
            ema2.update(model.params(), step);
        }
        step++;
        return loss;
    }

    private static boolean hasTrue(boolean[] flags) {
        for (boolean f : flags) {
            if (f) {
                return true;
            }
        }
        return false;
    }

    /** linear warm-up to the run's learning rate, then constant (the paper's schedule) */
    double learningRate(long s) {
        RunSpec.TrainSpec train = spec.train();
        if (train.warmupSteps() > 0 && s < train.warmupSteps()) {
            return train.learningRate() * (s + 1) / train.warmupSteps();
        }
        return train.learningRate();
    }

    /**
     * Mirrors each sample left-right with probability 1/2 (the reference's RandomHorizontalFlip), in place,
     * from the step's seeded generator so that a resumed run flips the same images.
     */
    private float[] flipSome(float[] images, int count, SplittableRandom random) {
        int c = shape[0], h = shape[1], w = shape[2];
        for (int i = 0; i < count; i++) {
            if (!random.nextBoolean()) {
                continue;
            }
            for (int row = 0; row < c * h; row++) {
                int base = i * c * h * w + row * w;
                for (int a = 0, b = w - 1; a < b; a++, b--) {
                    float tmp = images[base + a];
                    images[base + a] = images[base + b];
                    images[base + b] = tmp;
                }
            }
        }
        return images;
    }

    /** which samples flip, drawn as {@link #flipSome} draws them */
    private static boolean[] flipMask(int count, SplittableRandom random) {
        boolean[] flip = new boolean[count];
        for (int i = 0; i < count; i++) {
            flip[i] = random.nextBoolean();
        }
        return flip;
    }

    /** which labels drop to the null class, drawn as {@link #dropLabels} draws them */
    private static boolean[] dropMask(int count, SplittableRandom random, double p) {
        boolean[] drop = new boolean[count];
        for (int i = 0; i < count; i++) {
            drop[i] = p > 0 && random.nextDouble() < p;
        }
        return drop;
    }

    /** Replaces each label by the null class (index numClasses) with probability p, for guidance. */
    private long[] dropLabels(int[] labels, int count, SplittableRandom random, double p) {
        long[] y = new long[count];
        int nullClass = model.numClasses();
        for (int i = 0; i < count; i++) {
            int label = labels == null ? 0 : labels[i];
            if (label < 0 || label >= nullClass) {
                throw new IllegalArgumentException(
                        "label " + label + " of sample " + i + " is outside 0.." + (nullClass - 1));
            }
            y[i] = p > 0 && random.nextDouble() < p ? nullClass : label;
        }
        return y;
    }

    static long mix(long seed, long step) {
        long z = seed * 0x9E3779B97F4A7C15L + step;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return (z ^ (z >>> 31)) & Long.MAX_VALUE;
    }

    public RunSpec spec() {
        return spec;
    }

    public Denoiser model() {
        return model;
    }

    /** the EMAs kept, in the order of {@link RunSpec.TrainSpec#emaDecays()} */
    public java.util.List<Ema> emas() {
        return ema2 == null ? java.util.List.of(ema) : java.util.List.of(ema, ema2);
    }

    /** the FP16 loss scaler, or null in FP32 */
    public LossScaler lossScaler() {
        return scaler;
    }

    public Ema ema() {
        return ema;
    }

    AdamW optimizer() {
        return optimizer;
    }

    /** the run's tensor scope on its device (parameters, moments, EMAs) */
    NDManager manager() {
        return manager;
    }

    public long step() {
        return step;
    }

    public int epoch() {
        return epoch;
    }

    /** marks the number of completed epochs (stored in checkpoints) */
    public void setEpoch(int completedEpochs) {
        this.epoch = completedEpochs;
    }

    void restoreCounters(long stepCount, int completedEpochs) {
        this.step = stepCount;
        this.epoch = completedEpochs;
    }

    @Override
    public void close() {
        manager.close();
    }

    /** Training produced a NaN or infinite loss or gradient; the run fails with this reason. */
    public static final class DivergedException extends RuntimeException {
        public DivergedException(String message) {
            super(message);
        }
    }
}
