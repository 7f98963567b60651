package org.denoiselab.core.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * The DDPM baseline (Ho et al., 2020): discrete linear beta schedule, eps-prediction, ancestral sampling.
 *
 * <p>Step k = 0 is the least noisy, k = T - 1 the noisiest. The network is shown the flow-matching time
 * {@link #timeForNetwork(int) 1 - k / T}, so every model sees the same "t = 0 noise, t = 1 data" convention.
 */
public final class Ddpm {
    public static final int DEFAULT_STEPS = 1000;
    public static final double DEFAULT_BETA_START = 1e-4;
    public static final double DEFAULT_BETA_END = 0.02;

    private final int steps;
    private final double[] betas;
    private final double[] alphas;
    private final double[] alphaBars;

    /** T = 1000, beta from 1e-4 to 0.02. */
    public Ddpm() {
        this(DEFAULT_STEPS, DEFAULT_BETA_START, DEFAULT_BETA_END);
    }

    /** T steps with beta rising linearly from {@code betaStart} (k = 0) to {@code betaEnd} (k = T - 1). */
    public Ddpm(int steps, double betaStart, double betaEnd) {
        if (steps < 2) {
            throw new IllegalArgumentException("DDPM needs at least 2 steps, got " + steps);
        }
        if (!(betaStart > 0 && betaStart <= betaEnd && betaEnd < 1)) {
            throw new IllegalArgumentException(
                    "DDPM betas must satisfy 0 < start <= end < 1, got " + betaStart + " .. " + betaEnd);
        }
        this.steps = steps;
        betas = new double[steps];
        alphas = new double[steps];
        alphaBars = new double[steps];
        double product = 1;
        for (int k = 0; k < steps; k++) {
            betas[k] = betaStart + (betaEnd - betaStart) * k / (steps - 1);
            alphas[k] = 1 - betas[k];
            product *= alphas[k];
            alphaBars[k] = product;
        }
    }

    public int steps() {
        return steps;
    }

    public double[] betas() {
        return betas.clone();
    }

    public double[] alphas() {
        return alphas.clone();
    }

    public double[] alphaBars() {
        return alphaBars.clone();
    }

    /** The time the network sees at step k: 1 - k / T (k = 0, least noisy, is close to t = 1, data). */
    public double timeForNetwork(int k) {
        checkStep(k);
        return 1.0 - (double) k / steps;
    }

    /** {@link #timeForNetwork(int)} for a batch of integer steps (int32 or int64 [B]): float32 [B]. */
    public NDArray timeForNetwork(NDArray steps) {
        long[] ks = stepIndices(steps);
        float[] t = new float[ks.length];
        for (int b = 0; b < ks.length; b++) {
            t[b] = (float) timeForNetwork((int) ks[b]);
        }
        return steps.getManager().create(t);
    }

    /** n steps uniform in [0, T), int64 [n]. */
    public NDArray sampleSteps(NDManager manager, int n) {
        if (n < 1) {
            throw new IllegalArgumentException("number of steps to sample must be >= 1, got " + n);
        }
        return manager.randomInteger(0, steps, new Shape(n), DataType.INT64);
    }

    /**
     * The forward process: sqrt(ab_k) x + sqrt(1 - ab_k) e with k = steps[b] per sample (int32 or int64
     * [B]). Result and temporaries land in the manager of x, like {@link FlowMatching}.
     */
    public NDArray noisy(NDArray x, NDArray e, NDArray steps) {
        long[] ks = stepIndices(steps);
        float[] signal = new float[ks.length];
        float[] noise = new float[ks.length];
        for (int b = 0; b < ks.length; b++) {
            double ab = alphaBars[(int) ks[b]];
            signal[b] = (float) Math.sqrt(ab);
            noise[b] = (float) Math.sqrt(1 - ab);
        }
        NDManager manager = x.getManager();
        NDArray a = FlowMatching.perSample(manager.create(signal), x);
        NDArray s = FlowMatching.perSample(manager.create(noise), x);
        return x.mul(a).add(e.mul(s));
    }

    /** The DDPM training loss: mean squared error of the predicted noise. */
    public static NDArray loss(NDArray outEps, NDArray e) {
        return FlowMatching.mse(outEps, e);
    }

    /**
     * Ancestral sampling (Ho et al. 2020, Algorithm 2) with sigma_k^2 = beta_k and no noise at the last
     * step; {@code net} predicts eps and is called with t = {@link #timeForNetwork(int)} for the whole batch.
     *
     * @param noise x_T, shape [B, ...]; left untouched
     * @return x_0, in the manager of {@code noise}
     */
    public NDArray sample(Network net, NDArray noise) {
        NDManager owner = noise.getManager();
        NDArray z = noise;
        for (int k = steps - 1; k >= 0; k--) {
            int step = k;
            z = StepScope.run(owner, z, k == steps - 1, cur -> ancestralStep(net, cur, step));
        }
        return z;
    }

    private NDArray ancestralStep(Network net, NDArray z, int k) {
        NDManager scope = z.getManager();
        Shape shape = z.getShape();
        NDArray t = scope.full(new Shape(shape.get(0)), (float) timeForNetwork(k), DataType.FLOAT32);
        NDArray eps = net.apply(z, t);
        float epsScale = (float) (betas[k] / Math.sqrt(1 - alphaBars[k]));
        NDArray mean = z.sub(eps.mul(epsScale)).div((float) Math.sqrt(alphas[k]));
        if (k == 0) {
            return mean;
        }
        NDArray fresh = scope.randomNormal(0f, 1f, shape, DataType.FLOAT32);
        return mean.add(fresh.mul((float) Math.sqrt(betas[k])));
    }

    /** The integer steps of a [B] int32/int64 array, each checked to lie in [0, T). */
    private long[] stepIndices(NDArray steps) {
        long[] ks;
        if (steps.getDataType() == DataType.INT64) {
            ks = steps.toLongArray();
        } else if (steps.getDataType() == DataType.INT32) {
            int[] ints = steps.toIntArray();
            ks = new long[ints.length];
            for (int b = 0; b < ints.length; b++) {
                ks[b] = ints[b];
            }
        } else {
            throw new IllegalArgumentException("DDPM steps must be int32 or int64, got " + steps.getDataType());
        }
        if (steps.getShape().dimension() != 1) {
            throw new IllegalArgumentException("DDPM steps must have shape [B], got " + steps.getShape());
        }
        for (long k : ks) {
            if (k < 0 || k >= this.steps) {
                throw new IllegalArgumentException("DDPM step must be in [0, " + this.steps + "), got " + k);
            }
        }
        return ks;
    }

    private void checkStep(int k) {
        if (k < 0 || k >= steps) {
            throw new IllegalArgumentException("DDPM step must be in [0, " + steps + "), got " + k);
        }
    }
}
