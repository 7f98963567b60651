package org.denoiselab.core.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import org.denoiselab.core.diffusion.Ddpm;
import org.denoiselab.core.diffusion.FlowSampler;
import org.denoiselab.core.diffusion.Network;
import org.denoiselab.core.experiment.RunSpec;
import org.denoiselab.core.model.Denoiser;
import org.denoiselab.core.model.ParamSet;

/**
 * Generates samples from a model's weights (normally the EMA) with the run's sampler and a fixed seed, so
 * that grids of successive checkpoints start from the same noise and are comparable. Labels cycle through
 * the classes (sample i gets class i mod classes); with a guidance scale other than 1 the output is
 * uncond + scale * (cond - uncond).
 */
public final class Sampling {
    /** samples per forward batch: bounds memory independently of how many are requested */
    private static final int CHUNK = 256;

    private Sampling() {}

    /** @return n samples, C*H*W floats each (CHW), in model space (roughly [-1, 1], not clipped) */
    public static float[] generate(Denoiser model, ParamSet weights, RunSpec spec, RunSpec.SamplingSpec sampling, int n) {
        int[] shape = model.sampleShape();
        int length = shape[0] * shape[1] * shape[2];
        float[] out = new float[n * length];
        boolean gradMode = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        JniUtils.setSeed(sampling.seed());
        try {
            for (int start = 0; start < n; start += CHUNK) {
                int count = Math.min(CHUNK, n - start);
                try (NDManager s = model.manager().newSubManager()) {
                    long[] labels = new long[count];
                    for (int i = 0; i < count; i++) {
                        labels[i] = (start + i) % model.numClasses();
                    }
                    NDArray y = s.create(labels);
                    NDArray noise = s.randomNormal(new Shape(count, shape[0], shape[1], shape[2]));
                    double noiseScale = spec.train().noiseScale();
                    if (noiseScale != 1.0) {
                        noise = noise.mul((float) noiseScale);
                    }
                    Network net = guided(model, weights, y, sampling.cfgScale());
                    NDArray x = spec.method() == RunSpec.Method.DDPM
                            ? new Ddpm().sample(net, noise)
                            : FlowSampler.sample(net, spec.prediction(), noise, sampling.steps(),
                                    FlowSampler.Solver.parse(sampling.solver()));
                    System.arraycopy(x.toFloatArray(), 0, out, start * length, count * length);
                }
            }
        } finally {
            JniUtils.setGradMode(gradMode);
        }
        return out;
    }

    private static Network guided(Denoiser model, ParamSet weights, NDArray labels, double scale) {
        if (scale == 1.0) {
            return (z, t) -> model.forward(weights, z, t, labels);
        }
        // built once per chunk, not at every network call
        NDArray nullLabels = labels.zerosLike().add(model.numClasses());
        return (z, t) -> {
            NDArray cond = model.forward(weights, z, t, labels);
            NDArray uncond = model.forward(weights, z, t, nullLabels);
            return uncond.add(cond.sub(uncond).mul((float) scale));
        };
    }
}
