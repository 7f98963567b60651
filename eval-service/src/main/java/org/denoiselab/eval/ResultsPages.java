package org.denoiselab.eval;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import org.denoiselab.experiment.RequestValidator;
import org.denoiselab.pipeline.events.CheckpointEvent;
import org.denoiselab.pipeline.events.EvaluationEvent;
import org.denoiselab.pipeline.events.RunStatus;
import org.denoiselab.pipeline.store.ObjectLayout;
import org.denoiselab.pipeline.store.Sha256;
import org.denoiselab.science.data.DatasetKind;
import org.denoiselab.science.diffusion.Method;
import org.denoiselab.science.diffusion.Prediction;
import org.denoiselab.science.spec.RunSpec;

/**
 * Builds the results pages from the eval service's views: the runs and their status ({@link RunsView}),
 * the scores ({@link ResultsView}) and the grids in the store ({@link GridIndex}).
 */
@ApplicationScoped
public class ResultsPages {
    /** line colours by prediction target: x, eps, v */
    static final Map<Prediction, String> COLORS =
            Map.of(Prediction.X, "#2563eb", Prediction.EPS, "#d9480f", Prediction.V, "#2b8a3e");

    /** line styles by row of the sweep (patch or D), in order */
    static final List<String> DASHES = List.of("", "7 4", "2 3", "10 3 2 3");

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    @Inject
    RunsView runs;

    @Inject
    ResultsView results;

    @Inject
    GridIndex grids;

    /** what is known of one run, gathered from every view */
    private record Known(
            String runId,
            RunSpec spec,
            RunStatus status,
            NavigableMap<Integer, CheckpointEvent> checkpoints,
            NavigableMap<Integer, EvaluationEvent> evaluations,
            boolean announced,
            Instant updated) {}

    /** @return empty when no run of the experiment is known */
    public Optional<ResultsPage.Experiment> experiment(String experimentId, String root) {
        List<Known> known = known(experimentId);
        if (known.isEmpty()) {
            return Optional.empty();
        }
        Layout layout = new Layout(known);
        List<ResultsPage.Run> rows = new ArrayList<>();
        Map<String, ResultsPage.Run> byId = new LinkedHashMap<>();
        for (Known k : known) {
            ResultsPage.Run r = run(k, layout, root, grids.epochs(k.runId()));
            rows.add(r);
            byId.put(k.runId(), r);
        }
        List<ResultsPage.SweepTable> tables = new ArrayList<>();
        for (String variant : layout.variants) {
            List<ResultsPage.SweepRow> sweepRows = new ArrayList<>();
            for (Integer row : layout.rows) {
                List<ResultsPage.Cell> cells = new ArrayList<>();
                for (Prediction p : layout.columns) {
                    ResultsPage.Run cell = known.stream()
                            .filter(k -> k.spec() != null
                                    && k.spec().prediction() == p
                                    && row.equals(layout.rowOf(k.spec()))
                                    && variant.equals(layout.variantOf(k.spec())))
                            .findFirst()
                            .map(k -> byId.get(k.runId()))
                            .orElse(null);
                    cells.add(new ResultsPage.Cell(cell));
                }
                if (cells.stream().anyMatch(c -> c.run() != null)) {
                    sweepRows.add(new ResultsPage.SweepRow(layout.rowLabel(row), layout.rowDetail(row), cells));
                }
            }
            if (!sweepRows.isEmpty()) {
                tables.add(new ResultsPage.SweepTable(
                        variant,
                        layout.toy ? "D" : "patch",
                        layout.columns.stream().map(Prediction::label).toList(),
                        sweepRows));
            }
        }
        List<Chart> charts = List.of(
                chart(
                        "FD" + metricSuffix(rows, ResultsPage.Run::fdMetric) + ", lower is better",
                        rows,
                        ResultsPage.Frame::fd),
                chart(
                        "IS" + metricSuffix(rows, ResultsPage.Run::isMetric) + ", higher is better",
                        rows,
                        ResultsPage.Frame::isMean),
                chart("training loss (" + layout.lossLabel() + ")", rows, ResultsPage.Frame::loss));
        ResultsPage.Counts counts = counts(rows);
        boolean finished = counts.queued() == 0
                && counts.running() == 0
                && counts.total() > 0
                && rows.stream().noneMatch(r -> r.state().equals("unknown"));
        Instant updated = known.stream()
                .map(Known::updated)
                .max(Comparator.naturalOrder())
                .orElse(Instant.EPOCH);
        return Optional.of(new ResultsPage.Experiment(
                experimentId,
                root,
                layout.heading(),
                layout.sweep(),
                counts,
                tables,
                charts,
                rows,
                finished,
                version(rows),
                TIME.format(updated)));
    }

    /** every experiment, the most recently active first */
    public ResultsPage.Experiments experiments(String root) {
        Set<String> ids = new TreeSet<>(runs.experimentIds());
        ids.addAll(results.experimentIds());
        List<ResultsPage.ExperimentItem> items = new ArrayList<>();
        Map<String, Instant> updated = new LinkedHashMap<>();
        for (String id : ids) {
            List<Known> known = known(id);
            if (known.isEmpty()) {
                continue;
            }
            Layout layout = new Layout(known);
            List<ResultsPage.Run> rows =
                    known.stream().map(k -> run(k, layout, root, List.of())).toList();
            String best = rows.stream()
                    .filter(r -> r.fd() != null)
                    .min(Comparator.comparingDouble(ResultsPage.Run::fd))
                    .map(r -> Chart.label(r.fd()) + " (" + r.name() + ")")
                    .orElse("");
            Instant at = known.stream()
                    .map(Known::updated)
                    .max(Comparator.naturalOrder())
                    .orElse(Instant.EPOCH);
            updated.put(id, at);
            items.add(new ResultsPage.ExperimentItem(
                    id, layout.heading(), layout.sweep(), counts(rows), best, TIME.format(at)));
        }
        items.sort(Comparator.comparing((ResultsPage.ExperimentItem i) -> updated.get(i.experimentId()))
                .reversed()
                .thenComparing(ResultsPage.ExperimentItem::experimentId));
        return new ResultsPage.Experiments(root, items);
    }

    private List<Known> known(String experimentId) {
        Map<String, NavigableMap<Integer, EvaluationEvent>> scores =
                results.experiment(experimentId).orElse(Map.of());
        Map<String, RunsView.Run> byId = new LinkedHashMap<>();
        runs.experiment(experimentId).forEach(r -> byId.put(r.runId(), r));
        Set<String> ids = new LinkedHashSet<>(byId.keySet());
        ids.addAll(scores.keySet());
        List<Known> out = new ArrayList<>();
        for (String id : ids) {
            RunsView.Run r = byId.get(id);
            NavigableMap<Integer, EvaluationEvent> evaluations = scores.getOrDefault(id, new TreeMap<>());
            RunSpec spec = r == null ? null : r.spec();
            if (spec == null && !evaluations.isEmpty()) {
                spec = evaluations.lastEntry().getValue().spec();
            }
            NavigableMap<Integer, CheckpointEvent> checkpoints = r == null ? new TreeMap<>() : r.checkpoints();
            RunStatus status = r == null ? null : r.status();
            Instant updated = Instant.EPOCH;
            if (status != null) updated = later(updated, status.updatedAt());
            if (r != null && r.event() != null)
                updated = later(updated, r.event().createdAt());
            if (!checkpoints.isEmpty())
                updated = later(updated, checkpoints.lastEntry().getValue().createdAt());
            if (!evaluations.isEmpty())
                updated = later(updated, evaluations.lastEntry().getValue().createdAt());
            out.add(new Known(id, spec, status, checkpoints, evaluations, r != null && r.event() != null, updated));
        }
        return out;
    }

    private ResultsPage.Run run(Known k, Layout layout, String root, List<Integer> gridEpochs) {
        RunSpec spec = k.spec();
        Set<Integer> epochs = new TreeSet<>(k.checkpoints().keySet());
        epochs.addAll(k.evaluations().keySet());
        epochs.addAll(gridEpochs);
        List<ResultsPage.Frame> frames = new ArrayList<>();
        ResultsPage.Frame latest = null;
        for (int e : epochs) {
            EvaluationEvent ev = k.evaluations().get(e);
            CheckpointEvent ck = k.checkpoints().get(e);
            Double loss = ck != null && ck.loss() != null ? ck.loss() : ev == null ? null : ev.trainLoss();
            String grid = gridEpochs.contains(e) ? root + "objects/" + ObjectLayout.grid(k.runId(), e) : null;
            StringBuilder caption = new StringBuilder("epoch " + e);
            if (ev != null && ev.fd() != null) caption.append(" · FD ").append(Chart.label(ev.fd()));
            if (ev != null && ev.isMean() != null) caption.append(" · IS ").append(Chart.label(ev.isMean()));
            ResultsPage.Frame f = new ResultsPage.Frame(
                    e, grid, ev == null ? null : ev.fd(), ev == null ? null : ev.isMean(), loss, caption.toString());
            frames.add(f);
            if (grid != null) latest = f;
        }
        EvaluationEvent last =
                k.evaluations().isEmpty() ? null : k.evaluations().lastEntry().getValue();
        RunStatus s = k.status();
        int planned = spec == null ? 0 : spec.train().epochs();
        String state;
        String stateLabel;
        int percent = 0;
        String progress = "";
        String reason = "";
        int epoch = s != null
                ? s.epoch()
                : k.checkpoints().isEmpty() ? 0 : k.checkpoints().lastKey();
        Double loss = s != null && s.loss() != null
                ? s.loss()
                : frames.isEmpty() ? null : frames.get(frames.size() - 1).loss();
        if (s == null) {
            // queued by the intake, no status read yet; or known from its scores only (status compacted away)
            state = k.announced() ? "queued" : "unknown";
            stateLabel = k.announced() ? "queued" : "no status";
        } else {
            switch (s.state()) {
                case QUEUED -> {
                    state = "queued";
                    stateLabel = "queued";
                }
                case RUNNING -> {
                    state = "running";
                    stateLabel = "running";
                    percent = s.totalSteps() > 0
                            ? (int) Math.min(100, 100 * s.step() / s.totalSteps())
                            : planned > 0 ? Math.min(100, 100 * s.epoch() / planned) : 0;
                    List<String> parts = new ArrayList<>();
                    parts.add("epoch " + s.epoch() + " of " + planned + " done");
                    if (s.totalSteps() > 0) parts.add("step " + s.step() + " of " + s.totalSteps());
                    if (s.imagesPerSecond() != null)
                        parts.add(String.format(Locale.ROOT, "%.0f img/s", s.imagesPerSecond()));
                    if (s.etaSeconds() != null) parts.add("about " + duration(s.etaSeconds()) + " left");
                    progress = String.join(" · ", parts);
                }
                case COMPLETED -> {
                    state = "completed";
                    stateLabel = "completed";
                    percent = 100;
                }
                default -> {
                    state = "failed";
                    stateLabel = "failed";
                    reason = s.reason() == null ? "no reason given" : s.reason();
                }
            }
        }
        Prediction p = spec == null ? null : spec.prediction();
        Integer row = spec == null ? null : layout.rowOf(spec);
        String name = spec == null
                ? k.runId()
                : p.label() + " · " + layout.rowLabel(row)
                        + (layout.variants.size() > 1 ? " · " + layout.variantOf(spec) : "");
        return new ResultsPage.Run(
                k.runId(),
                name,
                p == null ? "" : p.label(),
                row == null ? "" : layout.rowLabel(row),
                state,
                stateLabel,
                epoch,
                planned,
                percent,
                progress,
                reason,
                loss,
                last == null ? null : last.fdMetric(),
                last == null ? null : last.fd(),
                last == null ? null : last.isMetric(),
                last == null ? null : last.isMean(),
                last == null ? null : last.isStd(),
                last == null ? null : last.kid(),
                last == null ? null : last.kidStd(),
                last == null ? "" : sweepBest(last),
                frames,
                latest,
                p == null ? "#868e96" : COLORS.getOrDefault(p, "#868e96"),
                row == null ? "" : DASHES.get(layout.rows.indexOf(row) % DASHES.size()));
    }

    /** the best setting of an evaluation sweep, or "" without one */
    private static String sweepBest(EvaluationEvent e) {
        return e.best()
                .map(b -> String.format(
                        Locale.ROOT,
                        "best: cfg %s, EMA %s, FD %s (of %d)",
                        Chart.label(b.cfgScale()),
                        Double.toString(b.emaDecay()),
                        Chart.label(b.fd()),
                        e.sweep().size()))
                .orElse("");
    }

    private static Chart chart(String title, List<ResultsPage.Run> rows, Function<ResultsPage.Frame, Double> value) {
        List<Chart.Line> lines = new ArrayList<>();
        for (ResultsPage.Run r : rows) {
            NavigableMap<Integer, Double> values = new TreeMap<>();
            r.frames().forEach(f -> {
                Double v = value.apply(f);
                if (v != null) values.put(f.epoch(), v);
            });
            lines.add(new Chart.Line(r.name(), r.color(), r.dash(), values));
        }
        return Chart.of(title, lines);
    }

    private static String metricSuffix(List<ResultsPage.Run> rows, Function<ResultsPage.Run, String> metric) {
        Set<String> names = new TreeSet<>();
        rows.forEach(r -> {
            if (metric.apply(r) != null) names.add(metric.apply(r));
        });
        return names.isEmpty() ? "" : " (" + String.join(", ", names) + ")";
    }

    private static ResultsPage.Counts counts(List<ResultsPage.Run> rows) {
        int q = 0, r = 0, c = 0, f = 0;
        for (ResultsPage.Run run : rows) {
            switch (run.state()) {
                case "queued" -> q++;
                case "running" -> r++;
                case "completed" -> c++;
                case "failed" -> f++;
                default -> {}
            }
        }
        return new ResultsPage.Counts(rows.size(), q, r, c, f);
    }

    /** a short fingerprint of everything shown: the refresh loop replaces the page only when it changes */
    private static String version(List<ResultsPage.Run> rows) {
        StringBuilder sb = new StringBuilder();
        for (ResultsPage.Run r : rows) {
            sb.append(r.runId())
                    .append('|')
                    .append(r.state())
                    .append('|')
                    .append(r.progress())
                    .append('|');
            sb.append(r.reason()).append('|').append(r.loss()).append('|');
            r.frames()
                    .forEach(f -> sb.append(f.epoch())
                            .append(f.gridUrl() != null ? 'g' : '-')
                            .append(f.fd())
                            .append(f.loss())
                            .append(';'));
            sb.append('\n');
        }
        return Sha256.hex(sb.toString().getBytes(StandardCharsets.UTF_8)).substring(0, 16);
    }

    private static Instant later(Instant a, String iso) {
        if (iso == null) return a;
        try {
            Instant b = Instant.parse(iso);
            return b.isAfter(a) ? b : a;
        } catch (DateTimeParseException e) {
            return a;
        }
    }

    static String duration(double seconds) {
        long s = Math.round(seconds);
        if (s >= 3600) return String.format(Locale.ROOT, "%dh%02dm", s / 3600, (s % 3600) / 60);
        if (s >= 60) return String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
        return s + "s";
    }

    /** how an experiment's runs are arranged: rows (patch or D), columns (prediction), tables (the rest) */
    private static final class Layout {
        final boolean toy;
        final RunSpec first;
        final List<Integer> rows;
        final List<Prediction> columns;
        final List<String> variants;
        final boolean methodVaries;
        final boolean lossVaries;
        final boolean sizeVaries;
        final boolean lrVaries;
        final boolean bottleneckVaries;

        Layout(List<Known> known) {
            List<RunSpec> specs =
                    known.stream().map(Known::spec).filter(Objects::nonNull).toList();
            first = specs.isEmpty() ? null : specs.get(0);
            toy = first != null && first.dataset().kind() == DatasetKind.TOY;
            rows = specs.stream().map(this::rowOf).distinct().sorted().toList();
            columns =
                    specs.stream().map(RunSpec::prediction).distinct().sorted().toList();
            methodVaries = varies(specs, RunSpec::method);
            lossVaries = varies(specs, RunSpec::loss);
            sizeVaries = varies(specs, s -> s.model().size());
            lrVaries = varies(specs, s -> s.train().learningRate());
            bottleneckVaries = varies(specs, s -> s.model().bottleneck());
            variants = specs.stream().map(this::variantOf).distinct().toList();
        }

        private static boolean varies(List<RunSpec> specs, Function<RunSpec, Object> field) {
            return specs.stream().map(field).distinct().count() > 1;
        }

        Integer rowOf(RunSpec s) {
            return toy ? s.dataset().toyDim() : s.model().patch();
        }

        String variantOf(RunSpec s) {
            List<String> parts = new ArrayList<>();
            if (methodVaries) parts.add(s.method().label());
            if (lossVaries) parts.add(s.loss().label() + "-loss");
            if (sizeVaries && s.model().size() != null)
                parts.add("JiT-" + s.model().size().label());
            if (lrVaries) parts.add("lr " + Chart.label(s.train().learningRate()));
            if (bottleneckVaries) parts.add("bottleneck " + s.model().bottleneck());
            return String.join(" · ", parts);
        }

        String rowLabel(Integer row) {
            return toy ? "D = " + row : "patch " + row;
        }

        /** "49 tokens of 16 values": the token dimension the paper varies */
        String rowDetail(Integer row) {
            if (toy || first == null) {
                return "";
            }
            int side = RequestValidator.imageSide(
                    first.dataset().kind(), first.dataset().imageSize());
            if (side == 0) {
                side = first.dataset()
                        .kind()
                        .shape(first.dataset().imageSize(), 0)
                        .height();
            }
            int channels =
                    first.dataset().kind().shape(first.dataset().imageSize(), 0).channels();
            int tokens = (side / row) * (side / row);
            int dim = channels * row * row;
            return tokens + (tokens == 1 ? " token" : " tokens") + " of " + dim + " values";
        }

        String heading() {
            if (first == null) {
                return "";
            }
            List<String> parts = new ArrayList<>();
            DatasetKind kind = first.dataset().kind();
            parts.add(kind == DatasetKind.CELEBA ? "celeba " + first.dataset().imageSize() + " px" : kind.label());
            parts.add(
                    first.model().size() == null
                            ? first.model().arch().label()
                            : "JiT-" + first.model().size().label() + (sizeVaries ? " and others" : ""));
            String method = first.method() == Method.DDPM ? "DDPM" : "flow matching";
            parts.add(lossVaries ? method : method + ", " + first.loss().label() + "-loss");
            return String.join(" · ", parts);
        }

        String lossLabel() {
            return first == null ? "" : lossVaries ? "per run" : first.loss().label() + "-loss";
        }

        String sweep() {
            List<String> axes = new ArrayList<>();
            if (columns.size() > 1) axes.add("prediction");
            if (rows.size() > 1) axes.add(toy ? "D" : "patch");
            if (methodVaries) axes.add("method");
            if (lossVaries) axes.add("loss");
            if (sizeVaries) axes.add("size");
            if (lrVaries) axes.add("learning rate");
            if (bottleneckVaries) axes.add("bottleneck");
            return axes.isEmpty() ? "one run" : String.join(" × ", axes);
        }
    }
}
