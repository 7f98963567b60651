package org.denoiselab.cli;

import ai.djl.Device;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.denoiselab.experiment.Experiment;
import org.denoiselab.experiment.Experiments;
import org.denoiselab.experiment.json.Json;
import org.denoiselab.pipeline.jobs.Checkpoints;
import org.denoiselab.pipeline.store.ObjectLayout;
import org.denoiselab.science.data.Datasets;
import org.denoiselab.science.data.ImageDataset;
import org.denoiselab.science.data.ToyManifold;
import org.denoiselab.science.eval.Evaluator;
import org.denoiselab.science.image.PngGrid;
import org.denoiselab.science.image.PointPanel;
import org.denoiselab.science.model.Precision;
import org.denoiselab.science.spec.RunSpec;
import org.denoiselab.science.train.Checkpoint;
import org.denoiselab.science.train.Sampling;
import org.denoiselab.science.train.Trainer;
import org.denoiselab.science.train.TrainingRun;
import org.denoiselab.science.util.Engines;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Trains one experiment (a preset plus overrides, expanded into its sweep) on this machine, without
 * Kafka or an object store: checkpoints, a PNG grid per checkpoint epoch and a metrics CSV per run, laid
 * out under --out exactly as in the object store (ObjectLayout keys), progress on stderr, a results table
 * at the end. The toy preset also renders the paper's Fig. 2 panel and a distance-to-spiral table.
 *
 * <pre>
 *   lab --preset fmnist
 *   lab --preset toy --out runs/toy
 *   lab --preset cifar10 --set dataset.location=/data/cifar-10-batches-bin
 *   lab --request my-experiment.json --set train.epochs=2
 * </pre>
 */
@Command(
        name = "bin/lab",
        mixinStandardHelpOptions = true,
        showDefaultValues = true,
        description =
                "Train an experiment on this machine (no Kafka, no object store): checkpoints, grids, losses, results table.")
public final class LocalLab implements Callable<Integer> {
    private final PrintStream log = System.err;
    private final PrintStream out = System.out;

    @Option(
            names = "--preset",
            description = "toy, fmnist, quick, cifar10 or celeba (fmnist when there is no --request)")
    String preset;

    @Option(names = "--request", description = "a request: a JSON file, or the JSON itself")
    String request;

    @Option(
            names = "--set",
            description = "override a request field by its path, e.g. train.epochs=2 or 'model.patch=[4]'"
                    + " (repeatable; the value is JSON, or else a string)")
    List<String> sets = new ArrayList<>();

    @Option(
            names = "--no-score",
            description = "skip scoring the last epoch's samples (FD, KID, IS with the dataset's classifier)")
    boolean noScore;

    /** scores the last epoch of image runs; its classifier and reference are kept under OUT/.scoring */
    private LocalScores scores;

    @Option(names = "--out", defaultValue = "runs", description = "output folder")
    Path outRoot;

    public static void main(String[] argv) {
        CommandLine cl = new CommandLine(new LocalLab());
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (e instanceof IllegalArgumentException) {
                cmd.getErr().println("error: " + e.getMessage());
                return 2;
            }
            throw e;
        });
        System.exit(cl.execute(argv));
    }

    /** Builds the request JSON: {"preset": ...} merged with --request (file or inline JSON), then each --set a.b=v. */
    byte[] requestJson() throws IOException {
        ObjectNode root = Json.mapper().createObjectNode();
        root.put("schemaVersion", 1);
        if (request != null) {
            String text = request.trim().startsWith("{") ? request : Files.readString(Path.of(request));
            root.setAll((ObjectNode) Json.mapper().readTree(text));
        }
        String name = preset != null ? preset : request == null ? "fmnist" : null;
        if (name != null) {
            root.put("preset", name);
        }
        for (String set : sets) {
            int eq = set.indexOf('=');
            if (eq < 1) {
                throw new IllegalArgumentException("--set expects path=value, got '" + set + "'");
            }
            String[] path = set.substring(0, eq).split("\\.");
            String raw = set.substring(eq + 1);
            JsonNode value;
            try {
                value = Json.mapper().readTree(raw);
            } catch (IOException notJson) {
                value = Json.mapper().getNodeFactory().textNode(raw);
            }
            ObjectNode node = root;
            for (int i = 0; i < path.length - 1; i++) {
                node = node.has(path[i]) ? (ObjectNode) node.get(path[i]) : node.putObject(path[i]);
            }
            node.set(path[path.length - 1], value);
        }
        return Json.mapper().writeValueAsBytes(root);
    }

    @Override
    public Integer call() throws Exception {
        byte[] request = requestJson();
        Path outDir = outRoot;
        Experiment experiment = Experiments.accept(request, location -> Files.exists(Path.of(location)));
        Engines.pytorch();
        Device device = Engines.defaultDevice();
        Path expDir = outDir.resolve(experiment.experimentId());
        Files.createDirectories(expDir);
        Files.write(
                expDir.resolve("request.json"),
                Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(experiment.request()));
        log.printf(
                "experiment %s: %d run(s) on %s, output in %s%n",
                experiment.experimentId(), experiment.runs().size(), device, expDir);

        List<ResultRow> rows = new ArrayList<>();
        List<PointPanel.Panel> panels = new ArrayList<>();
        long started = System.nanoTime();
        int index = 0;
        try (LocalScores s = noScore ? null : new LocalScores(outDir.resolve(".scoring"), log)) {
            scores = s;
            for (RunSpec spec : experiment.runs()) {
                index++;
                ImageDataset data = Datasets.open(spec.dataset(), true);
                rows.add(trainOne(
                        spec, data, device, expDir, index, experiment.runs().size(), panels));
            }
        }
        printTable(rows, expDir);
        if (!panels.isEmpty()) {
            Path panel = expDir.resolve("toy-panel.png");
            try (OutputStream o = Files.newOutputStream(panel)) {
                // one row per prediction target, one column per dimension D (the paper's Fig. 2 layout)
                int columns = (int) experiment.runs().stream()
                        .mapToInt(r -> r.dataset().toyDim())
                        .distinct()
                        .count();
                PointPanel.write(panels, columns, ToyManifold.spiral(2000), o);
            }
            out.println("toy panel: " + panel);
        }
        out.printf(Locale.ROOT, "wall time: %.1f s%n", (System.nanoTime() - started) / 1e9);
        return 0;
    }

    private ResultRow trainOne(
            RunSpec spec,
            ImageDataset data,
            Device device,
            Path expDir,
            int index,
            int total,
            List<PointPanel.Panel> panels)
            throws Exception {
        Path metrics = expDir.resolve(ObjectLayout.runPrefix(spec.runId()) + "metrics.csv");
        Files.createDirectories(metrics.getParent());
        ResultRow row = new ResultRow(spec);
        log.printf(
                "[%d/%d] %s: %s on %s (%d samples)%n",
                index, total, spec.runId(), describe(spec), data.name(), data.size());
        long start = System.nanoTime();
        Path lossLog = expDir.resolve(ObjectLayout.runPrefix(spec.runId()) + "losses.csv");
        try (Writer csv = Files.newBufferedWriter(metrics, StandardCharsets.UTF_8);
                Writer losses = Files.newBufferedWriter(lossLog, StandardCharsets.UTF_8)) {
            csv.write("step,epoch,loss,imgs_per_s\n");
            // every step's loss as printed by Float.toString: two runs compare exactly with diff
            losses.write("step,loss\n");
            TrainingRun.Result result = TrainingRun.run(spec, data, device, null, new TrainingRun.Listener() {
                @Override
                public void onProgress(TrainingRun.Progress p) {
                    log.printf(
                            Locale.ROOT,
                            "  [%d/%d] epoch %d/%d step %d/%d loss %.4f %.1f img/s ETA %s%s%n",
                            index,
                            total,
                            p.epoch(),
                            p.epochs(),
                            p.step(),
                            p.totalSteps(),
                            p.loss(),
                            p.imagesPerSecond(),
                            duration(p.etaSeconds()),
                            spec.train().precision() == Precision.FP16
                                    ? String.format(
                                            Locale.ROOT,
                                            " loss scale %.0f, %d skipped",
                                            p.lossScale(),
                                            p.skippedSteps())
                                    : "");
                    try {
                        csv.write(String.format(
                                Locale.ROOT, "%d,%d,%.6f,%.2f%n", p.step(), p.epoch(), p.loss(), p.imagesPerSecond()));
                        csv.flush();
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }

                @Override
                public void onStep(long step, float loss) throws IOException {
                    losses.write(step + "," + loss + "\n");
                }

                @Override
                public void onCheckpoint(Trainer trainer, int epoch, float epochLoss) throws Exception {
                    Path ckpt = expDir.resolve(ObjectLayout.checkpoint(spec.runId(), epoch));
                    Files.createDirectories(ckpt.getParent());
                    try (OutputStream o = Files.newOutputStream(ckpt)) {
                        Checkpoint.of(trainer, Checkpoints.metadataOf(spec)).write(o);
                    }
                    row.epoch = epoch;
                    row.loss = epochLoss;
                    if (data instanceof ToyManifold toy) {
                        toyCheckpoint(
                                toy,
                                trainer,
                                spec,
                                row,
                                panels,
                                epoch == spec.train().epochs());
                    } else {
                        Path grid = expDir.resolve(ObjectLayout.grid(spec.runId(), epoch));
                        writeGrid(trainer, spec, grid);
                        row.grid = grid;
                        if (scores != null && epoch == spec.train().epochs()) {
                            int n = Math.max(2, spec.sampling().numEval());
                            float[] samples = Sampling.generate(
                                    trainer.model(), trainer.ema().weights(), spec, spec.sampling(), n);
                            row.scores = scores.score(spec, samples, n).orElse(null);
                        }
                    }
                    log.printf(
                            Locale.ROOT,
                            "  [%d/%d] epoch %d: loss %.4f, checkpoint %s%s%n",
                            index,
                            total,
                            epoch,
                            epochLoss,
                            ckpt,
                            row.grid == null ? "" : ", grid " + row.grid);
                }
            });
            row.seconds = (System.nanoTime() - start) / 1e9;
            row.steps = result.steps();
        }
        return row;
    }

    private static void writeGrid(Trainer trainer, RunSpec spec, Path grid) throws IOException {
        int g = spec.sampling().gridSize();
        int[] shape = trainer.model().sampleShape();
        float[] images = Sampling.generate(trainer.model(), trainer.ema().weights(), spec, spec.sampling(), g * g);
        Files.createDirectories(grid.getParent());
        try (OutputStream o = Files.newOutputStream(grid)) {
            PngGrid.write(images, g * g, shape[0], shape[1], shape[2], g, o);
        }
    }

    private static void toyCheckpoint(
            ToyManifold toy,
            Trainer trainer,
            RunSpec spec,
            ResultRow row,
            List<PointPanel.Panel> panels,
            boolean last) {
        int n = Math.max(1, spec.sampling().numEval());
        float[] points = Sampling.generate(trainer.model(), trainer.ema().weights(), spec, spec.sampling(), n);
        float[] plane = toy.toPlane(points, n);
        row.toyDistance = toy.distanceToSpiral(plane, n);
        row.offManifold = toy.offManifold(points, n);
        if (last) {
            panels.add(new PointPanel.Panel(
                    String.format(
                            Locale.ROOT,
                            "D=%d %s-pred  %.3f",
                            toy.dim(),
                            spec.prediction().label(),
                            row.toyDistance),
                    plane,
                    n));
        }
    }

    private static String describe(RunSpec spec) {
        RunSpec.ModelSpec m = spec.model();
        String model = "mlp".equals(m.arch())
                ? "MLP " + m.mlpDepth() + "x" + m.mlpWidth()
                : "JiT-" + m.size() + " patch " + m.patch();
        return String.format(
                Locale.ROOT,
                "%s, %s, %s-pred, %s-loss, %d epochs x batch %d",
                spec.method().name().toLowerCase(Locale.ROOT),
                model,
                spec.prediction().label(),
                spec.loss().label(),
                spec.train().epochs(),
                spec.train().batchSize());
    }

    private void printTable(List<ResultRow> rows, Path expDir) throws IOException {
        boolean toy = rows.stream().anyMatch(r -> r.toyDistance != null);
        StringBuilder t = new StringBuilder();
        if (toy) {
            t.append(String.format(
                    "%-28s %5s %5s %6s %9s %10s %12s %8s%n",
                    "run", "D", "pred", "epoch", "loss", "dist2spiral", "offManifold", "time_s"));
        } else {
            t.append(String.format(
                    "%-36s %5s %5s %6s %9s %9s %9s %7s %8s  %s%n",
                    "run", "pred", "patch", "epoch", "loss", "FD", "KID", "IS", "time_s", "grid"));
        }
        for (ResultRow r : rows) {
            if (toy) {
                t.append(String.format(
                        Locale.ROOT,
                        "%-28s %5d %5s %6d %9.4f %10.4f %12.4f %8.1f%n",
                        r.spec.runId(),
                        r.spec.dataset().toyDim(),
                        r.spec.prediction().label(),
                        r.epoch,
                        r.loss,
                        r.toyDistance,
                        r.offManifold,
                        r.seconds));
            } else {
                t.append(String.format(
                        Locale.ROOT,
                        "%-36s %5s %5d %6d %9.4f %9s %9s %7s %8.1f  %s%n",
                        r.spec.runId(),
                        r.spec.prediction().label(),
                        r.spec.model().patch(),
                        r.epoch,
                        r.loss,
                        r.scores == null ? "-" : String.format(Locale.ROOT, "%.2f", r.scores.fd()),
                        r.scores == null || Double.isNaN(r.scores.kidMean())
                                ? "-"
                                : String.format(Locale.ROOT, "%.4f", r.scores.kidMean()),
                        r.scores == null ? "-" : String.format(Locale.ROOT, "%.3f", r.scores.isMean()),
                        r.seconds,
                        r.grid));
            }
        }
        out.print(t);
        Files.writeString(expDir.resolve("results.txt"), t.toString());
    }

    static String duration(double seconds) {
        if (!Double.isFinite(seconds)) {
            return "?";
        }
        long s = Math.round(seconds);
        return s >= 3600
                ? String.format("%dh%02dm", s / 3600, s / 60 % 60)
                : s >= 60 ? String.format("%dm%02ds", s / 60, s % 60) : s + "s";
    }

    /** What the results table shows for one run. */
    private static final class ResultRow {
        final RunSpec spec;
        int epoch;
        float loss = Float.NaN;
        double seconds;
        long steps;
        Path grid;
        Double toyDistance;
        double offManifold;
        /** the last epoch's scores (classifier extractor), null when not scored */
        Evaluator.Scores scores;

        ResultRow(RunSpec spec) {
            this.spec = spec;
        }
    }
}
