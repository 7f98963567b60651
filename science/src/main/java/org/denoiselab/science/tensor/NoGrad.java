package org.denoiselab.science.tensor;

import ai.djl.pytorch.jni.JniUtils;

/**
 * Gradient recording off for a block, restored to what it was on close. PyTorch's grad mode is per
 * thread; DJL's GradientCollector turns it on for the thread that trains and off when closed, so code
 * that updates weights in place (AdamW, EMA, checkpoint restore) or samples states it explicitly
 * instead of relying on whatever the thread it runs on left behind.
 *
 * <pre>{@code try (NoGrad ignored = NoGrad.enter()) { ... } }</pre>
 */
public final class NoGrad implements AutoCloseable {
    private final boolean previous;

    private NoGrad(boolean previous) {
        this.previous = previous;
    }

    /** Turns recording off on this thread until {@link #close()}. */
    public static NoGrad enter() {
        boolean was = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        return new NoGrad(was);
    }

    @Override
    public void close() {
        JniUtils.setGradMode(previous);
    }
}
