package org.denoiselab.science.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.denoiselab.science.tensor.Scalars;
import org.denoiselab.science.tensor.Tensors;

/**
 * The DDPM baseline (Ho et al., 2020): discrete linear beta schedule, eps-prediction, ancestral sampling
 * (the paper's Algorithm 2 in its posterior form, reference diffusion_utils_2.py p_mean_variance with
 * clip_denoised, variance "fixedlarge" sigma_k^2 = beta_k), optionally over a strided subset of the steps
 * (Nichol and Dhariwal 2021, improved-diffusion respace.py space_timesteps).
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
        return Tensors.of(steps.getManager(), t);
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
        NDArray a = FlowMatching.perSample(Tensors.of(manager, signal), x);
        NDArray s = FlowMatching.perSample(Tensors.of(manager, noise), x);
        return x.mul(a).add(e.mul(s));
    }

    /** The DDPM training loss: mean squared error of the predicted noise. */
    public static NDArray loss(NDArray outEps, NDArray e) {
        return FlowMatching.mse(outEps, e);
    }

    /** Ancestral sampling over all T steps with the predicted x0 clipped to [-1, 1]. */
    public NDArray sample(Network net, NDArray noise) {
        return sample(net, noise, steps, true);
    }

    /**
     * Ancestral sampling from x_T to x_0. With {@code sampleSteps} = T this is Ho et al.'s Algorithm 2;
     * with fewer, the chain runs over the steps k_i = round(i (T - 1) / (K - 1)), i = 0..K-1, each with
     * the beta that keeps alpha-bar at those steps (beta'_i = 1 - ab[k_i] / ab[k_(i-1)]). Each step forms
     * x0 = (z - sqrt(1 - ab_k) eps) / sqrt(ab_k), clips it to [-1, 1] when {@code clipDenoised} (the
     * images' range; the DDPM reference does), and takes the posterior mean
     * sqrt(ab_prev) beta' / (1 - ab_k) x0 + sqrt(1 - beta') (1 - ab_prev) / (1 - ab_k) z plus
     * sqrt(beta') N(0, I), no noise at the last step. Unclipped, the mean equals Algorithm 2's
     * (z - beta' / sqrt(1 - ab_k) eps) / sqrt(1 - beta'). {@code net} predicts eps and is called with
     * t = {@link #timeForNetwork(int)} of the original step k for the whole batch.
     *
     * @param noise       x_T, shape [B, ...]; left untouched
     * @param sampleSteps number of network calls K, 1..T
     * @return x_0, in the manager of {@code noise}
     * @throws IllegalArgumentException when sampleSteps is outside 1..T
     */
    public NDArray sample(Network net, NDArray noise, int sampleSteps, boolean clipDenoised) {
        int[] ks = strided(sampleSteps);
        NDManager owner = noise.getManager();
        NDArray z = noise;
        for (int i = ks.length - 1; i >= 0; i--) {
            int k = ks[i];
            double abPrev = i > 0 ? alphaBars[ks[i - 1]] : 1.0;
            boolean first = i == ks.length - 1;
            z = StepScope.run(owner, z, first, cur -> ancestralStep(net, cur, k, abPrev, clipDenoised));
        }
        return z;
    }

    /** The K steps a strided sampler visits, ascending, from 0 to T - 1 (K = 1: only T - 1). */
    public int[] strided(int sampleSteps) {
        if (sampleSteps < 1 || sampleSteps > steps) {
            throw new IllegalArgumentException(
                    "DDPM sampling steps must be in 1.." + steps + " (T), got " + sampleSteps);
        }
        int[] ks = new int[sampleSteps];
        if (sampleSteps == 1) {
            ks[0] = steps - 1;
            return ks;
        }
        double stride = (steps - 1.0) / (sampleSteps - 1);
        for (int i = 0; i < sampleSteps; i++) {
            ks[i] = (int) Math.round(i * stride);
        }
        return ks;
    }

    private NDArray ancestralStep(Network net, NDArray z, int k, double abPrev, boolean clip) {
        NDManager scope = z.getManager();
        Shape shape = z.getShape();
        double ab = alphaBars[k];
        double beta = 1 - ab / abPrev;
        double time = timeForNetwork(k);
        NDArray t = scope.full(new Shape(shape.get(0)), (float) time, DataType.FLOAT32);
        NDArray eps = net.apply(z, t, time);
        NDArray x0 = Scalars.div(z.sub(Scalars.mul(eps, Math.sqrt(1 - ab))), Math.sqrt(ab));
        if (clip) {
            x0 = Scalars.clip(x0, -1, 1);
        }
        NDArray mean = Scalars.mul(x0, Math.sqrt(abPrev) * beta / (1 - ab))
                .add(Scalars.mul(z, Math.sqrt(1 - beta) * (1 - abPrev) / (1 - ab)));
        if (abPrev == 1.0) {
            return mean;
        }
        NDArray fresh = scope.randomNormal(0f, 1f, shape, DataType.FLOAT32);
        return mean.add(Scalars.mul(fresh, Math.sqrt(beta)));
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
