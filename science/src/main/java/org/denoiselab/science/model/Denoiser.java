package org.denoiselab.science.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * A network that maps a noisy sample z (B x C x H x W), flow time t [B] and class labels [B] to its raw
 * output (same shape as z), which the diffusion math reads as x, eps or v. The weights are passed in, so
 * the same model runs on its live weights (training) or on their EMA (sampling).
 */
public abstract class Denoiser implements AutoCloseable {
    protected final NDManager manager;
    protected final ParamSet params;
    private final int numClasses;
    private final int[] sampleShape;

    protected Denoiser(NDManager parent, int numClasses, int[] sampleShape) {
        this.manager = parent.newSubManager();
        this.params = new ParamSet(manager);
        this.numClasses = numClasses;
        this.sampleShape = sampleShape.clone();
    }

    /**
     * The raw output for noisy samples z [B, C, H, W] at flow times t [B] with class labels [B] (int64;
     * {@link #numClasses()} is the null class). Everything the call makes, its result included, lands in
     * z's manager, whatever the labels' manager: a sampler calls the network hundreds of times in one
     * batch, and a result left in a longer-lived manager would stay until that batch ends.
     */
    public abstract NDArray forward(ParamSet weights, NDArray z, NDArray t, NDArray labels);

    /** the live (trainable) weights */
    public ParamSet params() {
        return params;
    }

    /** number of real classes; label {@code numClasses()} is the null class used for guidance */
    public int numClasses() {
        return numClasses;
    }

    /** C, H, W of one sample */
    public int[] sampleShape() {
        return sampleShape.clone();
    }

    public NDManager manager() {
        return manager;
    }

    /** a one-line description for logs: architecture and parameter count */
    public abstract String describe();

    /**
     * Matrix-product FLOPs (2 per multiply-add) of one forward pass for one sample, the numerator of MFU;
     * a training step costs three times this per sample (backward = 2 forwards). NaN when the model does
     * not count them.
     */
    public double forwardFlops() {
        return Double.NaN;
    }

    /** The arithmetic of the forward pass (models that support only FP32 ignore it). */
    public void setPrecision(Precision precision) {}

    /** Switches training-only behaviour (dropout) on or off; the trainer turns it on around its steps. */
    public void setTraining(boolean training) {}

    @Override
    public void close() {
        manager.close();
    }
}
