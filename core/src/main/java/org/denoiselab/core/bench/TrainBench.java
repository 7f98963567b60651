package org.denoiselab.core.bench;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.denoiselab.core.diffusion.FlowSampler;
import org.denoiselab.core.diffusion.Target;
import org.denoiselab.core.experiment.RunSpec;
import org.denoiselab.core.train.RunTrainer;
import org.denoiselab.core.train.Sampling;
import org.denoiselab.core.util.Args;
import org.denoiselab.core.util.Engines;

/**
 * Training (or sampling) throughput of the JiT of DESIGN.md on synthetic data, one measurement per
 * process, with the same arguments and output as ../shared/reference/jit_torch.py: the model has
 * bottleneck 128, t is logit-normal(-0.8, 0.8), x-prediction with v-loss, AdamW (lr 1e-4, no weight decay).
 * The last line printed is {@code imgs_per_s=<median over timed windows>}.
 *
 * <pre>bench/train.sh --shape cifar --patch 4 --size T --batch 128 --steps 20</pre>
 */
public final class TrainBench {
    private static final Map<String, int[]> SHAPES = Map.of(
            "cifar", new int[] {3, 32, 32}, "fmnist", new int[] {1, 28, 28}, "celeba", new int[] {3, 128, 128});

    public static void main(String[] argv) throws IOException {
        Args a = new Args(argv);
        String shapeName = a.get("shape", "cifar");
        int[] shape = SHAPES.get(shapeName);
        if (shape == null) {
            throw new IllegalArgumentException("--shape: expected one of " + SHAPES.keySet() + ", got " + shapeName);
        }
        int patch = a.getInt("patch", 4);
        String size = a.get("size", "T");
        int batch = a.getInt("batch", 128);
        String mode = a.get("mode", "train");
        int steps = a.getInt("steps", 20);
        int warmup = a.getInt("warmup", 3);
        int repeats = a.getInt("repeats", 5);
        String sampler = a.get("sampler", "euler");
        int threads = a.getInt("threads", 2);
        a.rejectUnknown();

        Engines.pytorch();
        JniUtils.setNumThreads(threads);
        RunSpec spec = benchSpec(size, patch, batch);
        Device device = Engines.defaultDevice();
        long start = System.nanoTime();
        List<Double> rates = new ArrayList<>();
        String extra;
        try (RunTrainer trainer = new RunTrainer(spec, shape[0], shape[1], shape[2], 10, device)) {
            System.out.println("model=" + trainer.model().describe() + " device=" + device + " threads="
                    + JniUtils.getNumThreads());
            if (mode.equals("train")) {
                Random random = new Random(0);
                float[] x = new float[batch * shape[0] * shape[1] * shape[2]];
                for (int i = 0; i < x.length; i++) {
                    x[i] = random.nextFloat() * 2 - 1;
                }
                int[] y = new int[batch];
                for (int i = 0; i < batch; i++) {
                    y[i] = random.nextInt(10);
                }
                for (int i = 0; i < warmup; i++) {
                    trainer.trainStep(x, y, batch);
                }
                double warmupS = (System.nanoTime() - start) / 1e9;
                float loss = 0;
                for (int i = 0; i < steps; i++) {
                    long t0 = System.nanoTime();
                    loss = trainer.trainStep(x, y, batch);
                    rates.add(batch / ((System.nanoTime() - t0) / 1e9));
                }
                extra = String.format("warmup_s=%.1f peak_mem_mb=%d loss=%.4f", warmupS, peakRssMb(), loss);
            } else if (mode.equals("sample")) {
                FlowSampler.Solver solver = FlowSampler.Solver.parse(sampler);
                RunSpec.SamplingSpec sampling = new RunSpec.SamplingSpec(sampler, steps, 8, batch, 0, 1.0);
                Sampling.generate(trainer.model(), trainer.ema().weights(), spec, sampling.withSteps(2), batch);
                double warmupS = (System.nanoTime() - start) / 1e9;
                for (int i = 0; i < repeats; i++) {
                    long t0 = System.nanoTime();
                    Sampling.generate(trainer.model(), trainer.ema().weights(), spec, sampling, batch);
                    rates.add(batch / ((System.nanoTime() - t0) / 1e9));
                }
                int nfe = solver == FlowSampler.Solver.HEUN ? 2 * steps - 1 : steps;
                extra = String.format("warmup_s=%.1f peak_mem_mb=%d nfe=%d", warmupS, peakRssMb(), nfe);
            } else {
                throw new IllegalArgumentException("--mode: expected train or sample, got " + mode);
            }
        }
        StringBuilder w = new StringBuilder("windows_imgs_per_s=");
        for (int i = 0; i < rates.size(); i++) {
            w.append(i == 0 ? "" : ",").append(String.format("%.2f", rates.get(i)));
        }
        System.out.println(w);
        System.out.println(extra);
        System.out.printf("imgs_per_s=%.2f%n", median(rates));
    }

    /** The benchmark's run: exactly the reference's model and step. */
    static RunSpec benchSpec(String size, int patch, int batch) {
        return new RunSpec("bench", "bench",
                new RunSpec.DatasetSpec("synthetic", null, 0, 0, 0),
                new RunSpec.ModelSpec("jit", size, patch, 128, 0, 0),
                RunSpec.Method.FLOW, Target.X, Target.V,
                new RunSpec.TrainSpec(1, batch, 1e-4, 0, 0.9999, "logit_normal", -0.8, 0.8, 1.0, 0.0, 1, 0),
                new RunSpec.SamplingSpec("euler", 50, 8, 0, 0, 1.0),
                new RunSpec.EvalSpec("none", null));
    }

    private static double median(List<Double> values) {
        double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    /** process peak resident set (VmHWM), like the reference's ru_maxrss */
    private static long peakRssMb() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
            }
        }
        return -1;
    }
}
