package org.denoiselab.core.experiment;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.denoiselab.core.diffusion.Target;

/**
 * Checks a resolved request ({@link Presets#resolve}) and lists everything wrong with it, each
 * violation naming its field. Whether a dataset location exists is asked of a pluggable check, so
 * that the trainer can test a local path or an object key.
 */
public final class RequestValidator {
    public static final List<String> DATASET_KINDS = List.of("toy", "fmnist", "cifar10", "celeba");
    public static final List<String> ARCHS = List.of("jit", "mlp");
    public static final List<String> MODEL_SIZES = List.of("T", "S", "B", "L");
    public static final List<String> METHODS = List.of("flow", "ddpm");
    public static final List<String> FLOW_SOLVERS = List.of("euler", "heun");
    public static final List<String> DDPM_SOLVERS = List.of("ancestral");
    public static final List<String> TIME_SAMPLING = List.of("logit_normal", "uniform");
    public static final List<String> EXTRACTORS = List.of("classifier", "inception", "none");
    /** more runs than this in one request is almost certainly a mistake in the lists */
    public static final int MAX_RUNS = 256;

    /** safe in object keys, Kafka keys, file names and URLs */
    static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    private final Predicate<String> datasetExists;

    /** @param datasetExists true when a dataset location (local path or object key) is present */
    public RequestValidator(Predicate<String> datasetExists) {
        this.datasetExists = datasetExists;
    }

    /** A validator that does not look for datasets (structure and ranges only). */
    public static RequestValidator structural() {
        return new RequestValidator(location -> true);
    }

    /** The side the patch must divide: 28 (fmnist), 32 (cifar10), imageSize (celeba), 0 for toy. */
    public static int imageSide(String kind, Integer imageSize) {
        switch (kind) {
            case "fmnist": return 28;
            case "cifar10": return 32;
            case "celeba": return imageSize == null ? 0 : imageSize;
            default: return 0;
        }
    }

    public List<Violation> validate(ExperimentRequest r) {
        List<Violation> out = new ArrayList<>();
        if (r.schemaVersion() != null && r.schemaVersion() != ExperimentRequest.SCHEMA_VERSION) {
            out.add(new Violation("schemaVersion", "unsupported " + r.schemaVersion() + ", expected " + ExperimentRequest.SCHEMA_VERSION));
        }
        if (r.experimentId() != null && !ID.matcher(r.experimentId()).matches()) {
            out.add(new Violation("experimentId", "'" + r.experimentId()
                    + "' must be 1-64 characters of letters, digits, '.', '_' or '-', starting with a letter or digit"));
        }
        String kind = dataset(r, out);
        method(r, out);
        model(r, kind, out);
        train(r, out);
        sampling(r, out);
        evaluation(r, out);
        if (out.isEmpty()) {
            long runs = Sweep.runCount(r);
            if (runs > MAX_RUNS) {
                out.add(new Violation("$", "the sweep expands to " + runs + " runs, more than " + MAX_RUNS));
            }
        }
        return out;
    }

    /** Throws InvalidRequestException listing every violation; returns the request when there is none. */
    public ExperimentRequest check(ExperimentRequest r) {
        List<Violation> v = validate(r);
        if (!v.isEmpty()) {
            throw new InvalidRequestException(v);
        }
        return r;
    }

    private String dataset(ExperimentRequest r, List<Violation> out) {
        ExperimentRequest.Dataset d = r.dataset();
        if (d == null || d.kind() == null) {
            out.add(new Violation("dataset.kind", "missing, expected one of " + String.join(", ", DATASET_KINDS)));
            return null;
        }
        String kind = d.kind();
        if (!DATASET_KINDS.contains(kind)) {
            out.add(new Violation("dataset.kind", "unknown '" + kind + "', expected one of " + String.join(", ", DATASET_KINDS)));
            return null;
        }
        boolean locationRequired = kind.equals("cifar10") || kind.equals("celeba");
        if (d.location() == null || d.location().isBlank()) {
            if (locationRequired) {
                out.add(new Violation("dataset.location", "missing: required for " + kind));
            }
        } else if (!datasetExists.test(d.location())) {
            out.add(new Violation("dataset.location", "no dataset at '" + d.location() + "'"));
        }
        if (kind.equals("celeba")) {
            range(out, "dataset.imageSize", d.imageSize(), 8, 1024);
        } else if (d.imageSize() != null && !kind.equals("toy") && d.imageSize() != imageSide(kind, null)) {
            out.add(new Violation("dataset.imageSize", kind + " images are " + imageSide(kind, null) + " px, got " + d.imageSize()));
        }
        if (kind.equals("toy")) {
            intList(out, "dataset.toyDim", d.toyDim(), 2, 4096);
        }
        if (d.limit() != null) {
            range(out, "dataset.limit", d.limit(), 0, Integer.MAX_VALUE);
        }
        return kind;
    }

    private void method(ExperimentRequest r, List<Violation> out) {
        choice(out, "method", r.method(), METHODS);
        List<Target> predictions = targets(out, "prediction", r.prediction());
        List<Target> losses = targets(out, "loss", r.loss());
        if ("ddpm".equals(r.method())) {
            if (predictions.stream().anyMatch(t -> t != Target.EPS)) {
                out.add(new Violation("prediction", "method ddpm predicts eps only"));
            }
            if (losses.stream().anyMatch(t -> t != Target.EPS)) {
                out.add(new Violation("loss", "method ddpm uses the eps loss only"));
            }
        }
    }

    private void model(ExperimentRequest r, String kind, List<Violation> out) {
        ExperimentRequest.Model m = r.model();
        if (m == null) {
            out.add(new Violation("model", "missing"));
            return;
        }
        if (!choice(out, "model.arch", m.arch(), ARCHS) || kind == null) {
            return;
        }
        boolean toy = kind.equals("toy");
        if (!m.arch().equals(toy ? "mlp" : "jit")) {
            // the other fields would be judged against the wrong model: one violation is enough
            out.add(new Violation("model.arch", (toy ? "the toy dataset trains the mlp" : kind + " images train the jit")
                    + ", got " + m.arch()));
            return;
        }
        if (m.arch().equals("mlp")) {
            range(out, "model.mlpWidth", m.mlpWidth(), 1, 8192);
            range(out, "model.mlpDepth", m.mlpDepth(), 2, 64);
            return;
        }
        if (nonEmpty(out, "model.size", m.size())) {
            Set<String> seen = new HashSet<>();
            for (int i = 0; i < m.size().size(); i++) {
                String s = m.size().get(i);
                String field = "model.size[" + i + "]";
                if (choice(out, field, s, MODEL_SIZES) && !seen.add(s)) {
                    out.add(new Violation(field, "duplicate value " + s));
                }
            }
        }
        if (m.bottleneck() != null) {
            range(out, "model.bottleneck", m.bottleneck(), 0, 4096);
        }
        int side = imageSide(kind, r.dataset().imageSize());
        if (intList(out, "model.patch", m.patch(), 1, side > 0 ? side : 4096) && side > 0) {
            for (int i = 0; i < m.patch().size(); i++) {
                int p = m.patch().get(i);
                if (p >= 1 && p <= side && side % p != 0) {
                    out.add(new Violation("model.patch[" + i + "]", p + " does not divide the image side " + side));
                }
            }
        }
    }

    private void train(ExperimentRequest r, List<Violation> out) {
        ExperimentRequest.Train t = r.train();
        if (t == null) {
            out.add(new Violation("train", "missing"));
            return;
        }
        range(out, "train.epochs", t.epochs(), 1, 10000);
        range(out, "train.batchSize", t.batchSize(), 1, 4096);
        if (nonEmpty(out, "train.learningRate", t.learningRate())) {
            Set<Double> seen = new HashSet<>();
            for (int i = 0; i < t.learningRate().size(); i++) {
                Double lr = t.learningRate().get(i);
                String field = "train.learningRate[" + i + "]";
                if (lr == null) {
                    out.add(new Violation(field, "missing"));
                } else if (!(lr > 0 && lr < 1)) {
                    out.add(new Violation(field, lr + " is out of range, expected 0 < lr < 1"));
                } else if (!seen.add(lr)) {
                    out.add(new Violation(field, "duplicate value " + lr));
                }
            }
        }
        range(out, "train.warmupSteps", t.warmupSteps(), 0, 10_000_000);
        between(out, "train.emaDecay", t.emaDecay(), 0, true, 1, false);
        choice(out, "train.timeSampling", t.timeSampling(), TIME_SAMPLING);
        between(out, "train.tMean", t.tMean(), -10, true, 10, true);
        between(out, "train.tStd", t.tStd(), 0, false, 10, true);
        between(out, "train.noiseScale", t.noiseScale(), 0, false, 100, true);
        between(out, "train.labelDropProb", t.labelDropProb(), 0, true, 1, false);
        range(out, "train.checkpointEvery", t.checkpointEvery(), 1, 10000);
        if (t.seed() == null) {
            out.add(new Violation("train.seed", "missing"));
        }
    }

    private void sampling(ExperimentRequest r, List<Violation> out) {
        ExperimentRequest.Sampling s = r.sampling();
        if (s == null) {
            out.add(new Violation("sampling", "missing"));
            return;
        }
        choice(out, "sampling.solver", s.solver(), "ddpm".equals(r.method()) ? DDPM_SOLVERS : FLOW_SOLVERS);
        range(out, "sampling.steps", s.steps(), 1, 1000);
        range(out, "sampling.gridSize", s.gridSize(), 1, 32);
        range(out, "sampling.numEval", s.numEval(), 0, 100_000);
        between(out, "sampling.cfgScale", s.cfgScale(), 0, true, 20, true);
        List<Double> interval = s.cfgInterval();
        if (interval == null || interval.size() != 2 || interval.contains(null)) {
            out.add(new Violation("sampling.cfgInterval", "expected [low, high], two flow times in [0, 1]"));
        } else if (!(interval.get(0) >= 0 && interval.get(0) < interval.get(1) && interval.get(1) <= 1)) {
            out.add(new Violation("sampling.cfgInterval", interval + " is out of range, expected 0 <= low < high <= 1"));
        }
        if (s.clipDenoised() == null) {
            out.add(new Violation("sampling.clipDenoised", "missing"));
        }
        if (s.seed() == null) {
            out.add(new Violation("sampling.seed", "missing"));
        }
    }

    private void evaluation(ExperimentRequest r, List<Violation> out) {
        ExperimentRequest.Evaluation e = r.evaluation();
        if (e == null) {
            out.add(new Violation("evaluation", "missing"));
            return;
        }
        choice(out, "evaluation.extractor", e.extractor(), EXTRACTORS);
        if (e.referenceStats() != null && e.referenceStats().isBlank()) {
            out.add(new Violation("evaluation.referenceStats", "blank; leave it out to compute the statistics from the dataset"));
        }
    }

    // ---- small checks, each adding at most one violation per field ----

    private static boolean choice(List<Violation> out, String field, String value, List<String> allowed) {
        if (value == null) {
            out.add(new Violation(field, "missing, expected one of " + String.join(", ", allowed)));
            return false;
        }
        if (!allowed.contains(value)) {
            out.add(new Violation(field, "unknown value '" + value + "', expected one of " + String.join(", ", allowed)));
            return false;
        }
        return true;
    }

    private static boolean range(List<Violation> out, String field, Integer value, int min, int max) {
        if (value == null) {
            out.add(new Violation(field, "missing"));
            return false;
        }
        if (value < min || value > max) {
            out.add(new Violation(field, value + " is out of range, expected " + min + ".." + max));
            return false;
        }
        return true;
    }

    private static void between(List<Violation> out, String field, Double value, double min, boolean minIncl, double max, boolean maxIncl) {
        if (value == null) {
            out.add(new Violation(field, "missing"));
            return;
        }
        boolean ok = Double.isFinite(value) && (minIncl ? value >= min : value > min) && (maxIncl ? value <= max : value < max);
        if (!ok) {
            out.add(new Violation(field, value + " is out of range, expected " + (minIncl ? "[" : "(") + min + ", " + max + (maxIncl ? "]" : ")")));
        }
    }

    private static boolean nonEmpty(List<Violation> out, String field, List<?> values) {
        if (values == null || values.isEmpty()) {
            out.add(new Violation(field, "missing: give a value or a non-empty list"));
            return false;
        }
        return true;
    }

    /** every element present, in range and distinct; true when the whole list is fine */
    private static boolean intList(List<Violation> out, String field, List<Integer> values, int min, int max) {
        if (!nonEmpty(out, field, values)) {
            return false;
        }
        boolean ok = true;
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < values.size(); i++) {
            String f = field + "[" + i + "]";
            if (!range(out, f, values.get(i), min, max)) {
                ok = false;
            } else if (!seen.add(values.get(i))) {
                out.add(new Violation(f, "duplicate value " + values.get(i)));
                ok = false;
            }
        }
        return ok;
    }

    private static List<Target> targets(List<Violation> out, String field, List<String> values) {
        List<Target> parsed = new ArrayList<>();
        if (!nonEmpty(out, field, values)) {
            return parsed;
        }
        for (int i = 0; i < values.size(); i++) {
            String f = field + "[" + i + "]";
            String v = values.get(i);
            if (v == null) {
                out.add(new Violation(f, "missing, expected x, eps or v"));
                continue;
            }
            try {
                Target t = Target.parse(v);
                if (parsed.contains(t)) {
                    out.add(new Violation(f, "duplicate value " + t.label()));
                }
                parsed.add(t);
            } catch (IllegalArgumentException e) {
                out.add(new Violation(f, "unknown value '" + v + "', expected x, eps or v"));
            }
        }
        return parsed;
    }
}
