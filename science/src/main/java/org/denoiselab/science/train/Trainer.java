package org.denoiselab.science.train;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import java.util.SplittableRandom;
import org.denoiselab.science.diffusion.Ddpm;
import org.denoiselab.science.diffusion.FlowMatching;
import org.denoiselab.science.diffusion.Method;
import org.denoiselab.science.diffusion.TimeSampler;
import org.denoiselab.science.model.Denoiser;
import org.denoiselab.science.model.Models;
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
        this.ddpm = spec.method() == Method.DDPM ? new Ddpm() : null;
    }

    /**
     * One optimisation step on a batch (count samples of C*H*W floats in [-1, 1], CHW order).
     *
     * @return the batch loss before the update
     * @throws DivergedException when the loss or a gradient is not finite (nothing is updated)
     */
    public float trainStep(float[] images, int[] labels, int count) {
        RunSpec.TrainSpec train = spec.train();
        long seed = mix(train.seed(), step);
        JniUtils.setSeed(seed);
        SplittableRandom random = new SplittableRandom(seed);
        long[] y = dropLabels(labels, count, random, train.labelDropProb());
        float loss;
        try (NDManager s = manager.newSubManager()) {
            int length = count * shape[0] * shape[1] * shape[2];
            float[] data = images.length == length ? images : java.util.Arrays.copyOf(images, length);
            if (spec.dataset().randomFlip()) {
                data = flipSome(data == images ? data.clone() : data, count, random);
            }
            NDArray x = Tensors.of(s, data, new Shape(count, shape[0], shape[1], shape[2]));
            NDArray yArr = Tensors.of(s, y);
            NDArray e = s.randomNormal(x.getShape());
            if (train.noiseScale() != 1.0) {
                e = Scalars.mul(e, train.noiseScale());
            }
            NDArray lossArr;
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
                collector.backward(lossArr);
            } finally {
                model.setTraining(false);
            }
            loss = lossArr.getFloat();
        }
        String nonFinite = !Float.isFinite(loss) ? "loss is " + loss : optimizer.firstNonFiniteGradient(model.params());
        if (nonFinite != null) {
            optimizer.zeroGradients(model.params());
            throw new DivergedException(nonFinite + " at step " + step + " (epoch " + (epoch + 1) + ")");
        }
        optimizer.step(model.params(), learningRate(step));
        ema.update(model.params(), step);
        if (ema2 != null) {
            ema2.update(model.params(), step);
        }
        step++;
        return loss;
    }

    /** linear warm-up to the run's learning rate, then constant (the paper's schedule) */
    double learningRate(long s) {
        RunSpec.TrainSpec train = spec.train();
        if (train.warmupSteps() > 0 && s < train.warmupSteps()) {
            return train.learningRate() * (s + 1) / train.warmupSteps();
        }
        return train.learningRate();
    }

    /** Replaces each label by the null class (index numClasses) with probability p, for guidance. */
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

    public Ema ema() {
        return ema;
    }

    AdamW optimizer() {
        return optimizer;
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
