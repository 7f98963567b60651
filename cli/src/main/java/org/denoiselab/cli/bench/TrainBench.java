package org.denoiselab.cli.bench;

import ai.djl.Device;
import ai.djl.pytorch.jni.JniUtils;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import org.denoiselab.science.data.DatasetKind;
import org.denoiselab.science.diffusion.LossSpace;
import org.denoiselab.science.diffusion.Method;
import org.denoiselab.science.diffusion.Prediction;
import org.denoiselab.science.diffusion.Solver;
import org.denoiselab.science.diffusion.TimeSampling;
import org.denoiselab.science.eval.Extractor;
import org.denoiselab.science.model.Arch;
import org.denoiselab.science.model.JitSize;
import org.denoiselab.science.spec.Choice;
import org.denoiselab.science.spec.RunSpec;
import org.denoiselab.science.train.Sampling;
import org.denoiselab.science.train.Trainer;
import org.denoiselab.science.util.Engines;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Training (or sampling) throughput of the JiT of DESIGN.md on synthetic data, one measurement per
 * process, with the same arguments and output as ../shared/reference/jit_torch.py: the model has
 * bottleneck 128, t is logit-normal(-0.8, 0.8), x-prediction with v-loss, AdamW (lr 1e-4, no weight decay).
 * The last line printed is {@code imgs_per_s=<median over timed windows>}.
 *
 * <pre>bench/train.sh --shape cifar --patch 4 --size T --batch 128 --steps 20</pre>
 */
@Command(
        name = "bench/train.sh",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = "Training or sampling throughput of the JiT on synthetic data; prints imgs_per_s= last.")
public final class TrainBench implements Callable<Integer> {
    /** the reference's --shape names */
    private static final Map<String, DatasetKind> SHAPES =
            Map.of("cifar", DatasetKind.CIFAR10, "fmnist", DatasetKind.FMNIST, "celeba", DatasetKind.CELEBA);

    @Option(
            names = "--shape",
            defaultValue = "cifar",
            description = "cifar (3x32x32), fmnist (1x28x28) or celeba (3x128x128); default ${DEFAULT-VALUE}")
    String shapeName;

    @Option(names = "--patch", defaultValue = "4", description = "patch side; default ${DEFAULT-VALUE}")
    int patch;

    @Option(names = "--size", defaultValue = "T", description = "JiT size T, S, B or L; default ${DEFAULT-VALUE}")
    String size;

    @Option(names = "--batch", defaultValue = "128", description = "images per step; default ${DEFAULT-VALUE}")
    int batch;

    @Option(names = "--mode", defaultValue = "train", description = "train or sample; default ${DEFAULT-VALUE}")
    String mode;

    @Option(
            names = "--steps",
            defaultValue = "20",
            description = "train: timed steps; sample: sampler steps; default ${DEFAULT-VALUE}")
    int steps;

    @Option(
            names = "--warmup",
            defaultValue = "3",
            description = "train: untimed steps first; default ${DEFAULT-VALUE}")
    int warmup;

    @Option(
            names = "--repeats",
            defaultValue = "5",
            description = "sample: timed sampling runs; default ${DEFAULT-VALUE}")
    int repeats;

    @Option(names = "--sampler", defaultValue = "euler", description = "euler or heun; default ${DEFAULT-VALUE}")
    String sampler;

    @Option(names = "--threads", defaultValue = "2", description = "PyTorch CPU threads; default ${DEFAULT-VALUE}")
    int threads;

    public static void main(String[] argv) {
        System.exit(new CommandLine(new TrainBench()).execute(argv));
    }

    @Override
    public Integer call() throws IOException {
        DatasetKind kind = SHAPES.get(shapeName);
        if (kind == null) {
            throw new IllegalArgumentException("--shape: expected one of " + SHAPES.keySet() + ", got " + shapeName);
        }
        DatasetKind.SampleShape s = kind.shape(0, 0);
        int[] shape = {s.channels(), s.height(), s.width()};

        Engines.pytorch();
        JniUtils.setNumThreads(threads);
        RunSpec spec = benchSpec(kind, Choice.parse(JitSize.class, size), patch, batch);
        Device device = Engines.defaultDevice();
        long start = System.nanoTime();
        List<Double> rates = new ArrayList<>();
        String extra;
        try (Trainer trainer = new Trainer(spec, shape[0], shape[1], shape[2], 10, device)) {
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
                Solver solver = Choice.parse(Solver.class, sampler);
                RunSpec.SamplingSpec sampling = new RunSpec.SamplingSpec(solver, steps, 8, batch, 0, 1.0);
                Sampling.generate(trainer.model(), trainer.ema().weights(), spec, sampling.withSteps(2), batch);
                double warmupS = (System.nanoTime() - start) / 1e9;
                for (int i = 0; i < repeats; i++) {
                    long t0 = System.nanoTime();
                    Sampling.generate(trainer.model(), trainer.ema().weights(), spec, sampling, batch);
                    rates.add(batch / ((System.nanoTime() - t0) / 1e9));
                }
                int nfe = solver == Solver.HEUN ? 2 * steps - 1 : steps;
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
        return 0;
    }

    /** The benchmark's run: exactly the reference's model and step. */
    static RunSpec benchSpec(DatasetKind kind, JitSize size, int patch, int batch) {
        return new RunSpec(
                "bench",
                "bench",
                new RunSpec.DatasetSpec(kind, null, 0, 0, 0),
                new RunSpec.ModelSpec(Arch.JIT, size, patch, 128, 0, 0),
                Method.FLOW,
                Prediction.X,
                LossSpace.V,
                new RunSpec.TrainSpec(1, batch, 1e-4, 0, 0.9999, TimeSampling.LOGIT_NORMAL, -0.8, 0.8, 1.0, 0.0, 1, 0),
                new RunSpec.SamplingSpec(Solver.EULER, 50, 8, 0, 0, 1.0),
                new RunSpec.EvalSpec(Extractor.NONE, null));
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
