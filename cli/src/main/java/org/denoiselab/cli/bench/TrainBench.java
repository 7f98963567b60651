package org.denoiselab.cli.bench;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
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
import org.denoiselab.science.data.DeviceDataset;
import org.denoiselab.science.data.InMemoryImages;
import org.denoiselab.science.diffusion.LossSpace;
import org.denoiselab.science.diffusion.Method;
import org.denoiselab.science.diffusion.Prediction;
import org.denoiselab.science.diffusion.Solver;
import org.denoiselab.science.diffusion.TimeSampling;
import org.denoiselab.science.eval.Extractor;
import org.denoiselab.science.model.Arch;
import org.denoiselab.science.model.JitBlock;
import org.denoiselab.science.model.JitSize;
import org.denoiselab.science.model.JitVariant;
import org.denoiselab.science.model.Precision;
import org.denoiselab.science.spec.Choice;
import org.denoiselab.science.spec.RunSpec;
import org.denoiselab.science.train.LossScaler;
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

    @Option(
            names = "--variant",
            defaultValue = "baseline",
            description = "JiT block: baseline (the reference's) or paper (RMSNorm, SwiGLU, qk-norm, RoPE, 32"
                    + " in-context class tokens); default ${DEFAULT-VALUE}")
    String variant;

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

    @Option(
            names = "--precision",
            defaultValue = "fp32",
            description = "fp32, or fp16 (mixed precision, loss scaling); default ${DEFAULT-VALUE}")
    String precisionName;

    @Option(
            names = "--data",
            defaultValue = "auto",
            description = "train: host (a Java batch copied each step), device (the data uploaded once, batches"
                    + " gathered there) or auto (device on a GPU); default ${DEFAULT-VALUE}")
    String data;

    @Option(
            names = "--peak-tflops",
            defaultValue = "0",
            description = "the device's peak TFLOP/s in the benchmark's precision, for mfu= (0: not printed)")
    double peakTflops;

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
        Precision precision = Choice.parse(Precision.class, precisionName);
        JitSize jitSize = Choice.parse(JitSize.class, size);
        JitBlock block = Choice.parse(JitVariant.class, variant).block(jitSize);
        RunSpec spec = benchSpec(kind, jitSize, block, patch, batch, precision);
        Device device = Engines.defaultDevice();
        boolean onDevice =
                switch (data) {
                    case "host" -> false;
                    case "device" -> true;
                    case "auto" -> device.isGpu();
                    default -> throw new IllegalArgumentException("--data: expected host, device or auto, got " + data);
                };
        long start = System.nanoTime();
        List<Double> rates = new ArrayList<>();
        String extra;
        double flopsPerImage; // per image of the timed work: 3 forwards per training step, one per NFE
        try (Trainer trainer = new Trainer(spec, shape[0], shape[1], shape[2], 10, device);
                NDManager deviceScope = NDManager.newBaseManager(device, "PyTorch")) {
            double forwardFlops = trainer.model().forwardFlops();
            System.out.println("model=" + trainer.model().describe() + " device=" + device + " threads="
                    + JniUtils.getNumThreads() + " precision=" + precision.label()
                    + (mode.equals("train") ? " data=" + (onDevice ? "device" : "host") : ""));
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
                // on the device: the batch is gathered from an uploaded copy, as TrainingRun does on a GPU
                DeviceDataset uploaded = onDevice
                        ? new DeviceDataset(
                                new InMemoryImages("synthetic", shape[0], shape[1], shape[2], 10, x, y), deviceScope)
                        : null;
                int[] rows = new int[batch];
                for (int i = 0; i < batch; i++) {
                    rows[i] = i;
                }
                for (int i = 0; i < warmup; i++) {
                    step(trainer, uploaded, rows, x, y);
                }
                double warmupS = (System.nanoTime() - start) / 1e9;
                float loss = 0;
                for (int i = 0; i < steps; i++) {
                    long t0 = System.nanoTime();
                    loss = step(trainer, uploaded, rows, x, y);
                    rates.add(batch / ((System.nanoTime() - t0) / 1e9));
                }
                LossScaler scaler = trainer.lossScaler();
                extra = String.format(
                        "warmup_s=%.1f peak_mem_mb=%d gflop_per_img=%.3f loss=%.4f%s",
                        warmupS,
                        peakRssMb(),
                        3 * forwardFlops / 1e9,
                        loss,
                        scaler == null
                                ? ""
                                : String.format(" loss_scale=%.0f skipped=%d", scaler.scale(), scaler.skippedSteps()));
                flopsPerImage = 3 * forwardFlops;
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
                extra = String.format(
                        "warmup_s=%.1f peak_mem_mb=%d gflop_per_img=%.3f nfe=%d",
                        warmupS, peakRssMb(), nfe * forwardFlops / 1e9, nfe);
                flopsPerImage = nfe * forwardFlops;
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
        double rate = median(rates);
        if (peakTflops > 0) {
            // model FLOP utilisation: counted matrix-product FLOPs per second over the device's peak
            System.out.printf("mfu=%.4f%n", rate * flopsPerImage / (peakTflops * 1e12));
        }
        System.out.printf("imgs_per_s=%.2f%n", rate);
        return 0;
    }

    private static float step(Trainer trainer, DeviceDataset uploaded, int[] rows, float[] x, int[] y) {
        return uploaded != null ? trainer.trainStep(uploaded, rows) : trainer.trainStep(x, y, rows.length);
    }

    /**
     * The benchmark's run: the reference's model and step, with the given block (the reference runs the
     * baseline; --variant paper measures the paper's block, which has no reference counterpart).
     */
    static RunSpec benchSpec(
            DatasetKind kind, JitSize size, JitBlock block, int patch, int batch, Precision precision) {
        return new RunSpec(
                "bench",
                "bench",
                new RunSpec.DatasetSpec(kind, null, 0, 0, 0),
                new RunSpec.ModelSpec(Arch.JIT, size, patch, 128, 0, 0, block),
                Method.FLOW,
                Prediction.X,
                LossSpace.V,
                new RunSpec.TrainSpec(
                        1, batch, 1e-4, 0, 0.9999, TimeSampling.LOGIT_NORMAL, -0.8, 0.8, 1.0, 0.0, 1, 0, 0, precision),
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
