package org.denoiselab.science.train;

/**
 * Dynamic loss scaling for FP16 training (Micikevicius et al. 2018, "Mixed Precision Training", Sec. 3.2;
 * torch.cuda.amp.GradScaler's defaults): the loss is multiplied by the scale before backward so that
 * small gradients survive half precision; gradients are divided by it before the optimizer. A step whose
 * gradients come out non-finite is skipped and the scale halved; after {@code growthInterval} good steps
 * in a row the scale doubles.
 */
public final class LossScaler {
    public static final double INITIAL_SCALE = 65536; // 2^16
    public static final int GROWTH_INTERVAL = 2000;

    private final int growthInterval;
    private double scale;
    private int goodSteps;
    private long skippedSteps;

    public LossScaler() {
        this(INITIAL_SCALE, GROWTH_INTERVAL);
    }

    /**
     * @throws IllegalArgumentException for a scale that is not positive and finite or an interval below 1
     */
    public LossScaler(double initialScale, int growthInterval) {
        if (!(initialScale > 0) || Double.isInfinite(initialScale) || growthInterval < 1) {
            throw new IllegalArgumentException(
                    "loss scale must be positive and finite and the growth interval >= 1, got " + initialScale + ", "
                            + growthInterval);
        }
        this.scale = initialScale;
        this.growthInterval = growthInterval;
    }

    /** the factor the loss is multiplied by now */
    public double scale() {
        return scale;
    }

    /** steps skipped so far because their gradients overflowed */
    public long skippedSteps() {
        return skippedSteps;
    }

    /** good steps since the last change of scale */
    public int goodSteps() {
        return goodSteps;
    }

    /**
     * Records a step's outcome and updates the scale.
     *
     * @param finite whether every gradient was finite
     * @return true when the optimizer should apply the step, false when it is skipped
     */
    public boolean update(boolean finite) {
        if (!finite) {
            scale /= 2;
            goodSteps = 0;
            skippedSteps++;
            return false;
        }
        goodSteps++;
        if (goodSteps >= growthInterval) {
            scale *= 2;
            goodSteps = 0;
        }
        return true;
    }

    /** restores the state a checkpoint stored */
    void restore(double scale, int goodSteps, long skippedSteps) {
        this.scale = scale;
        this.goodSteps = goodSteps;
        this.skippedSteps = skippedSteps;
    }
}
