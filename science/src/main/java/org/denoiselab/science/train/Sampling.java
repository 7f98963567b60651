package org.denoiselab.science.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import java.util.Arrays;
import org.denoiselab.science.diffusion.Ddpm;
import org.denoiselab.science.diffusion.FlowSampler;
import org.denoiselab.science.diffusion.Method;
import org.denoiselab.science.diffusion.Network;
import org.denoiselab.science.model.Denoiser;
import org.denoiselab.science.model.ParamSet;
import org.denoiselab.science.spec.RunSpec;
import org.denoiselab.science.tensor.NoGrad;
import org.denoiselab.science.tensor.Scalars;
import org.denoiselab.science.tensor.Tensors;

/**
 * Generates samples from a model's weights (normally the EMA) with the run's sampler and a fixed seed, so
 * that grids of successive checkpoints start from the same noise and are comparable. Labels cycle through
 * the classes (sample i gets class i mod classes). With a guidance scale w other than 1 the output is
 * uncond + w (cond - uncond) where the flow time lies in the run's guidance interval, and cond alone
 * outside it (the paper's CFG interval; reference denoiser.py, _forward_sample). The raw outputs are
 * combined: every conversion to v is affine in the output with the same coefficients for both, so this
 * equals the reference's combination of velocities.
 */
public final class Sampling {
    /** samples per forward batch on the CPU: bounds memory independently of how many are requested */
    private static final int CHUNK = 256;
    /** the same on a GPU, where a larger batch fills the device (JiT-B at 32x32 uses a few GiB) */
    private static final int GPU_CHUNK = 1024;

    private Sampling() {}

    /** @return n samples, C*H*W floats each (CHW), in model space (roughly [-1, 1], not clipped) */
    public static float[] generate(
            Denoiser model, ParamSet weights, RunSpec spec, RunSpec.SamplingSpec sampling, int n) {
        int[] shape = model.sampleShape();
        int length = shape[0] * shape[1] * shape[2];
        float[] out = new float[n * length];
        try (NoGrad ignored = NoGrad.enter()) {
            JniUtils.setSeed(sampling.seed());
            int chunk = model.manager().getDevice().isGpu() ? GPU_CHUNK : CHUNK;
            for (int start = 0; start < n; start += chunk) {
                int count = Math.min(chunk, n - start);
                try (NDManager s = model.manager().newSubManager()) {
                    long[] labels = new long[count];
                    for (int i = 0; i < count; i++) {
                        labels[i] = (start + i) % model.numClasses();
                    }
                    NDArray noise = s.randomNormal(new Shape(count, shape[0], shape[1], shape[2]));
                    double noiseScale = spec.train().noiseScale();
                    if (noiseScale != 1.0) {
                        noise = Scalars.mul(noise, noiseScale);
                    }
                    Network net = guided(model, weights, labels, sampling);
                    NDArray x = spec.method() == Method.DDPM
                            ? new Ddpm().sample(net, noise, sampling.steps(), sampling.clipDenoised())
                            : FlowSampler.sample(net, spec.prediction(), noise, sampling.steps(), sampling.solver());
                    System.arraycopy(x.toFloatArray(), 0, out, start * length, count * length);
                }
            }
        }
        return out;
    }

    /**
     * The network of one chunk. Each call makes its label tensors (the classes', and the null class's when
     * guided) in the call's own manager, the one of {@code z}, so that nothing a call makes outlives its
     * sampler step.
     *
     * @param labels the class of each sample, 0 .. numClasses - 1
     */
    static Network guided(Denoiser model, ParamSet weights, long[] labels, RunSpec.SamplingSpec sampling) {
        long[] nullLabels = new long[labels.length];
        Arrays.fill(nullLabels, model.numClasses());
        Network cond = (z, t) -> model.forward(weights, z, t, Tensors.of(z.getManager(), labels));
        Network uncond = (z, t) -> model.forward(weights, z, t, Tensors.of(z.getManager(), nullLabels));
        double scale = sampling.cfgScale();
        if (scale == 1.0) {
            return cond;
        }
        return new Network() {
            @Override
            public NDArray apply(NDArray z, NDArray t) {
                // times differ per sample: the interval is decided per sample, from t read back once
                float[] times = t.toFloatArray();
                float[] w = new float[times.length];
                for (int i = 0; i < times.length; i++) {
                    w[i] = sampling.guidedAt(times[i]) ? (float) scale : 1f;
                }
                NDArray c = cond.apply(z, t);
                NDArray u = uncond.apply(z, t);
                long[] perSample = new long[z.getShape().dimension()];
                Arrays.fill(perSample, 1L);
                perSample[0] = times.length;
                NDArray wb = Tensors.of(z.getManager(), w, new Shape(perSample));
                return u.add(c.sub(u).mul(wb));
            }

            @Override
            public NDArray apply(NDArray z, NDArray t, double time) {
                NDArray c = cond.apply(z, t);
                if (!sampling.guidedAt(time)) {
                    return c; // scale 1: the unconditional pass would cancel out
                }
                NDArray u = uncond.apply(z, t);
                return u.add(Scalars.mul(c.sub(u), scale));
            }
        };
    }
}
