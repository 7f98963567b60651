package org.denoiselab.experiment;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.denoiselab.science.data.DatasetKind;
import org.denoiselab.science.diffusion.Ddpm;
import org.denoiselab.science.diffusion.LossSpace;
import org.denoiselab.science.diffusion.Method;
import org.denoiselab.science.diffusion.Prediction;
import org.denoiselab.science.diffusion.Solver;
import org.denoiselab.science.diffusion.TimeSampling;
import org.denoiselab.science.eval.Extractor;
import org.denoiselab.science.model.Arch;
import org.denoiselab.science.model.FeedForward;
import org.denoiselab.science.model.JitSize;
import org.denoiselab.science.model.JitVariant;
import org.denoiselab.science.model.Norm;
import org.denoiselab.science.model.Precision;
import org.denoiselab.science.spec.Choice;

/**
 * Checks a resolved request ({@link Presets#resolve}) and lists everything wrong with it, each
 * violation naming its field. The allowed values of every choice are the science enums' ({@link
 * Choice}); this class adds ranges and the rules between fields. Whether a dataset location or a reference
 * statistics location may be used is asked of a pluggable {@link Locations} check, so that the services can
 * confine both to their configured roots and object keys.
 *
 * <p>Rules between fields (each refusal names the field and the rule):
 * <ul>
 *   <li>sampling.cfgScale other than 1 needs train.labelDropProb > 0: guidance mixes the class-conditional
 *       prediction with the null class's, which is only trained when labels are dropped to it.
 *   <li>method ddpm: sampling.steps are network calls of the (strided) ancestral chain, 1..T (T = 1000).
 *   <li>train.batchSize at most dataset.limit when a limit is set: a larger batch would silently shrink to the
 *       whole (limited) dataset at every step.
 *   <li>with an extractor, at least 2 evaluation samples (max(sampling.numEval, gridSize^2)): a covariance needs
 *       2. Fewer samples than the extractor's feature dimension is allowed (the FD is still exact) but is a
 *       warning ({@link #warnings}): the covariance is singular and the FD biased upwards, not comparable with
 *       FDs from more samples.
 * </ul>
 */
public final class RequestValidator {
    /** more runs than this in one request is almost certainly a mistake in the lists */
    public static final int MAX_RUNS = 256;

    /** safe in object keys, Kafka keys, file names and URLs */
    static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    private final Locations locations;

    /** @param datasetExists true when a dataset location (local path or object key) is present */
    public RequestValidator(Predicate<String> datasetExists) {
        this(Locations.datasetsThat(datasetExists));
    }

    /** @param locations what dataset.location and evaluation.referenceStats may name */
    public RequestValidator(Locations locations) {
        this.locations = locations;
    }

    /** A validator that does not look for datasets (structure and ranges only). */
    public static RequestValidator structural() {
        return new RequestValidator(location -> true);
    }

    /** The side the patch must divide: the kind's native side, imageSize (celeba), 0 for toy. */
    public static int imageSide(DatasetKind kind, Integer imageSize) {
        if (kind.resizable()) {
            return imageSize == null ? 0 : imageSize;
        }
        return kind.nativeSide();
    }

    public List<Violation> validate(ExperimentRequest r) {
        List<Violation> out = new ArrayList<>();
        if (r.schemaVersion() != null && r.schemaVersion() != ExperimentRequest.SCHEMA_VERSION) {
            out.add(new Violation(
                    "schemaVersion",
                    "unsupported " + r.schemaVersion() + ", expected " + ExperimentRequest.SCHEMA_VERSION));
        }
        if (r.experimentId() != null && !ID.matcher(r.experimentId()).matches()) {
            out.add(
                    new Violation(
                            "experimentId",
                            "'" + r.experimentId()
                                    + "' must be 1-64 characters of letters, digits, '.', '_' or '-', starting with a letter or digit"));
        }
        DatasetKind kind = dataset(r, out);
        Method method = method(r, out);
        model(r, kind, out);
        train(r, out);
        sampling(r, method, out);
        evaluation(r, out);
        if (out.isEmpty()) {
            crossField(r, method, out);
        }
        if (out.isEmpty()) {
            long runs = Sweep.runCount(r);
            if (runs > MAX_RUNS) {
                out.add(new Violation(
                        "prediction, loss, model.patch, model.size, dataset.toyDim, train.learningRate",
                        "the sweep over these lists expands to " + runs + " runs, more than " + MAX_RUNS));
            }
        }
        return out;
    }

    /** the rules between fields of a request whose fields are each valid (see the class comment) */
    private static void crossField(ExperimentRequest r, Method method, List<Violation> out) {
        ExperimentRequest.Train t = r.train();
        ExperimentRequest.Sampling s = r.sampling();
        if (s.cfgScale() != 1.0 && t.labelDropProb() == 0.0) {
            out.add(new Violation(
                    "sampling.cfgScale",
                    s.cfgScale() + " needs train.labelDropProb > 0: guidance uses the null class, which is trained"
                            + " only on dropped labels (the paper drops 10%); set train.labelDropProb or cfgScale 1"));
        }
        Integer limit = r.dataset().limit();
        if (limit != null && limit > 0 && t.batchSize() > limit) {
            out.add(new Violation(
                    "train.batchSize",
                    t.batchSize() + " is larger than dataset.limit " + limit
                            + ": every step would see the whole limited dataset; lower the batch or raise the limit"));
        }
        Extractor extractor = Choice.parse(Extractor.class, r.evaluation().extractor());
        if (extractor != Extractor.NONE
                && !DatasetKind.TOY.label().equals(r.dataset().kind())
                && evaluationSamples(s) < 2) {
            out.add(new Violation(
                    "sampling.numEval",
                    "max(numEval, gridSize^2) = " + evaluationSamples(s) + " sample; the " + extractor.label()
                            + " FD needs at least 2 (a covariance)"));
        }
    }

    /** the samples the sampler generates for evaluation: numEval, at least a full grid */
    static int evaluationSamples(ExperimentRequest.Sampling s) {
        return Math.max(s.numEval(), s.gridSize() * s.gridSize());
    }

    /**
     * What a valid request allows but probably does not mean, each naming its field; nothing here stops it.
     * Today: fewer evaluation samples than the extractor's feature dimension (see the class comment).
     */
    public List<Violation> warnings(ExperimentRequest r) {
        List<Violation> out = new ArrayList<>();
        if (r.evaluation() == null || r.sampling() == null || r.dataset() == null) {
            return out;
        }
        Extractor extractor;
        try {
            extractor = Choice.parse(Extractor.class, r.evaluation().extractor());
        } catch (IllegalArgumentException e) {
            return out;
        }
        if (DatasetKind.TOY.label().equals(r.dataset().kind())
                || r.sampling().numEval() == null
                || r.sampling().gridSize() == null) {
            return out;
        }
        int n = evaluationSamples(r.sampling());
        if (extractor.featureDim() > 0 && n <= extractor.featureDim()) {
            out.add(new Violation(
                    "sampling.numEval",
                    n + " samples for " + extractor.featureDim() + "-dimensional " + extractor.label()
                            + " features: the covariance is singular, the FD exact but biased upwards and not"
                            + " comparable with FDs from more samples; use more than " + extractor.featureDim()));
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

    private DatasetKind dataset(ExperimentRequest r, List<Violation> out) {
        ExperimentRequest.Dataset d = r.dataset();
        DatasetKind kind = choice(out, "dataset.kind", d == null ? null : d.kind(), DatasetKind.class);
        if (kind == null) {
            return null;
        }
        if (d.location() == null || d.location().isBlank()) {
            if (kind.needsLocation()) {
                out.add(new Violation("dataset.location", "missing: required for " + kind.label()));
            }
        } else {
            locations
                    .refuse("dataset.location", d.location())
                    .ifPresent(reason -> out.add(new Violation("dataset.location", reason)));
        }
        if (kind.resizable()) {
            range(out, "dataset.imageSize", d.imageSize(), 8, 1024);
        } else if (d.imageSize() != null && kind.isImage() && d.imageSize() != kind.nativeSide()) {
            out.add(new Violation(
                    "dataset.imageSize",
                    kind.label() + " images are " + kind.nativeSide() + " px, got " + d.imageSize()));
        }
        if (kind == DatasetKind.TOY) {
            intList(out, "dataset.toyDim", d.toyDim(), 2, 4096);
        }
        if (d.limit() != null) {
            range(out, "dataset.limit", d.limit(), 0, Integer.MAX_VALUE);
        }
        return kind;
    }

    private Method method(ExperimentRequest r, List<Violation> out) {
        Method method = choice(out, "method", r.method(), Method.class);
        List<Prediction> predictions = choices(out, "prediction", r.prediction(), Prediction.class);
        List<LossSpace> losses = choices(out, "loss", r.loss(), LossSpace.class);
        if (method == Method.DDPM) {
            if (predictions.stream().anyMatch(t -> t != Prediction.EPS)) {
                out.add(new Violation("prediction", "method ddpm predicts eps only"));
            }
            if (losses.stream().anyMatch(t -> t != LossSpace.EPS)) {
                out.add(new Violation("loss", "method ddpm uses the eps loss only"));
            }
        }
        return method;
    }

    private void model(ExperimentRequest r, DatasetKind kind, List<Violation> out) {
        ExperimentRequest.Model m = r.model();
        if (m == null) {
            out.add(new Violation("model", "missing"));
            return;
        }
        Arch arch = choice(out, "model.arch", m.arch(), Arch.class);
        if (arch == null || kind == null) {
            return;
        }
        boolean toy = kind == DatasetKind.TOY;
        if (arch != (toy ? Arch.MLP : Arch.JIT)) {
            // the other fields would be judged against the wrong model: one violation is enough
            out.add(new Violation(
                    "model.arch",
                    (toy ? "the toy dataset trains the mlp" : kind.label() + " images train the jit") + ", got "
                            + m.arch()));
            return;
        }
        if (arch == Arch.MLP) {
            range(out, "model.mlpWidth", m.mlpWidth(), 1, 8192);
            range(out, "model.mlpDepth", m.mlpDepth(), 2, 64);
            return;
        }
        List<JitSize> sizes = choices(out, "model.size", m.size(), JitSize.class);
        blockSwitches(m, sizes, out);
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

    /** the JiT block: a variant, switches that override it, each optional and sweepable */
    private static void blockSwitches(ExperimentRequest.Model m, List<JitSize> sizes, List<Violation> out) {
        if (m.variant() != null) {
            choices(out, "model.variant", m.variant(), JitVariant.class);
        }
        if (m.norm() != null) {
            choices(out, "model.norm", m.norm(), Norm.class);
        }
        if (m.mlp() != null) {
            choices(out, "model.mlp", m.mlp(), FeedForward.class);
        }
        booleanList(out, "model.qkNorm", m.qkNorm());
        List<Boolean> ropes = booleanList(out, "model.rope", m.rope());
        if (m.inContextTokens() != null) {
            intList(out, "model.inContextTokens", m.inContextTokens(), 0, 1024);
        }
        if (m.dropout() != null) {
            between(out, "model.dropout", m.dropout(), 0, true, 1, false);
        }
        boolean ropeAsked = ropes.contains(true)
                || (m.rope() == null && m.variant() != null && m.variant().contains(JitVariant.PAPER.label()));
        for (JitSize size : sizes) {
            if (ropeAsked && (size.hidden / size.heads) % 4 != 0) {
                out.add(new Violation(
                        "model.rope",
                        "the rotary embedding splits the head dimension in four; JiT-" + size.label() + " has "
                                + size.hidden / size.heads));
            }
        }
    }

    /** a sweepable list of true/false, distinct; absent is fine (the variant decides) */
    private static List<Boolean> booleanList(List<Violation> out, String field, List<Boolean> values) {
        if (values == null) {
            return List.of();
        }
        if (values.isEmpty()) {
            out.add(new Violation(field, "missing: give true, false or a list of them"));
            return List.of();
        }
        List<Boolean> seen = new ArrayList<>();
        for (int i = 0; i < values.size(); i++) {
            Boolean v = values.get(i);
            if (v == null) {
                out.add(new Violation(field + "[" + i + "]", "missing, expected true or false"));
            } else if (seen.contains(v)) {
                out.add(new Violation(field + "[" + i + "]", "duplicate value " + v));
            } else {
                seen.add(v);
            }
        }
        return seen;
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
        choice(out, "train.timeSampling", t.timeSampling(), TimeSampling.class);
        between(out, "train.tMean", t.tMean(), -10, true, 10, true);
        between(out, "train.tStd", t.tStd(), 0, false, 10, true);
        if (t.noiseScale() != null) { // absent: the paper's rule from the image size
            between(out, "train.noiseScale", t.noiseScale(), 0, false, 100, true);
        }
        if (t.emaDecay2() != null) {
            between(out, "train.emaDecay2", t.emaDecay2(), 0, true, 1, false);
        }
        if (t.precision() != null) { // absent: fp32
            Precision precision = choice(out, "train.precision", t.precision(), Precision.class);
            String arch = r.model() == null ? null : r.model().arch();
            if (precision == Precision.FP16 && arch != null && !Arch.JIT.label().equalsIgnoreCase(arch.trim())) {
                out.add(new Violation("train.precision", "fp16 is implemented for model.arch jit only, not " + arch));
            }
        }
        between(out, "train.labelDropProb", t.labelDropProb(), 0, true, 1, false);
        range(out, "train.checkpointEvery", t.checkpointEvery(), 1, 10000);
        if (t.seed() == null) {
            out.add(new Violation("train.seed", "missing"));
        }
    }

    private void sampling(ExperimentRequest r, Method method, List<Violation> out) {
        ExperimentRequest.Sampling s = r.sampling();
        if (s == null) {
            out.add(new Violation("sampling", "missing"));
            return;
        }
        Solver solver = choice(out, "sampling.solver", s.solver(), Solver.class);
        if (solver != null && method != null && solver.method() != method) {
            out.add(new Violation(
                    "sampling.solver",
                    solver.label() + " does not sample method " + method.label()
                            + ", expected one of "
                            + String.join(
                                    ", ",
                                    Arrays.stream(Solver.values())
                                            .filter(v -> v.method() == method)
                                            .map(Solver::label)
                                            .toList())));
        }
        if (method == Method.DDPM && s.steps() != null && (s.steps() < 1 || s.steps() > Ddpm.DEFAULT_STEPS)) {
            out.add(new Violation(
                    "sampling.steps",
                    s.steps() + " is outside the DDPM chain: ancestral sampling takes 1..T = " + Ddpm.DEFAULT_STEPS
                            + " network calls"));
        } else {
            range(out, "sampling.steps", s.steps(), 1, 1000);
        }
        range(out, "sampling.gridSize", s.gridSize(), 1, 32);
        range(out, "sampling.numEval", s.numEval(), 0, 100_000);
        between(out, "sampling.cfgScale", s.cfgScale(), 0, true, 20, true);
        List<Double> interval = s.cfgInterval();
        if (interval == null || interval.size() != 2 || interval.contains(null)) {
            out.add(new Violation("sampling.cfgInterval", "expected [low, high], two flow times in [0, 1]"));
        } else if (!(interval.get(0) >= 0 && interval.get(0) < interval.get(1) && interval.get(1) <= 1)) {
            out.add(new Violation(
                    "sampling.cfgInterval", interval + " is out of range, expected 0 <= low < high <= 1"));
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
        choice(out, "evaluation.extractor", e.extractor(), Extractor.class);
        if (e.guidanceScales() != null) {
            for (int i = 0; i < e.guidanceScales().size(); i++) {
                between(
                        out,
                        "evaluation.guidanceScales[" + i + "]",
                        e.guidanceScales().get(i),
                        0,
                        true,
                        20,
                        true);
            }
        }
        if (e.referenceStats() != null && e.referenceStats().isBlank()) {
            out.add(new Violation(
                    "evaluation.referenceStats", "blank; leave it out to compute the statistics from the dataset"));
        } else if (e.referenceStats() != null) {
            locations
                    .refuse("evaluation.referenceStats", e.referenceStats())
                    .ifPresent(reason -> out.add(new Violation("evaluation.referenceStats", reason)));
        }
    }

    // ---- small checks, each adding at most one violation per field ----

    /** the constant named by value, or null after adding a violation (missing or unknown value) */
    private static <E extends Enum<E> & Choice> E choice(
            List<Violation> out, String field, String value, Class<E> type) {
        if (value == null) {
            out.add(new Violation(field, "missing, expected one of " + Choice.labels(type)));
            return null;
        }
        try {
            return Choice.parse(type, value);
        } catch (IllegalArgumentException e) {
            out.add(new Violation(field, e.getMessage()));
            return null;
        }
    }

    /** every element of a sweepable list parsed, distinct; the ones that parse, in order */
    private static <E extends Enum<E> & Choice> List<E> choices(
            List<Violation> out, String field, List<String> values, Class<E> type) {
        List<E> parsed = new ArrayList<>();
        if (!nonEmpty(out, field, values)) {
            return parsed;
        }
        for (int i = 0; i < values.size(); i++) {
            String f = field + "[" + i + "]";
            E v = choice(out, f, values.get(i), type);
            if (v == null) {
                continue;
            }
            if (parsed.contains(v)) {
                out.add(new Violation(f, "duplicate value " + v.label()));
            }
            parsed.add(v);
        }
        return parsed;
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

    private static void between(
            List<Violation> out, String field, Double value, double min, boolean minIncl, double max, boolean maxIncl) {
        if (value == null) {
            out.add(new Violation(field, "missing"));
            return;
        }
        boolean ok = Double.isFinite(value)
                && (minIncl ? value >= min : value > min)
                && (maxIncl ? value <= max : value < max);
        if (!ok) {
            out.add(new Violation(
                    field,
                    value + " is out of range, expected " + (minIncl ? "[" : "(") + min + ", " + max
                            + (maxIncl ? "]" : ")")));
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
}
