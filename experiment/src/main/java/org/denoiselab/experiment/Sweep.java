package org.denoiselab.experiment;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.denoiselab.science.data.DatasetKind;
import org.denoiselab.science.diffusion.LossSpace;
import org.denoiselab.science.diffusion.Method;
import org.denoiselab.science.diffusion.Prediction;
import org.denoiselab.science.diffusion.Solver;
import org.denoiselab.science.diffusion.TimeSampling;
import org.denoiselab.science.eval.Extractor;
import org.denoiselab.science.model.Arch;
import org.denoiselab.science.model.FeedForward;
import org.denoiselab.science.model.JitBlock;
import org.denoiselab.science.model.JitSize;
import org.denoiselab.science.model.JitVariant;
import org.denoiselab.science.model.Norm;
import org.denoiselab.science.model.Precision;
import org.denoiselab.science.spec.Choice;
import org.denoiselab.science.spec.RunSpec;

/**
 * Expands a request into its runs: the cartesian product of the sweepable lists, in a fixed nesting
 * (prediction, loss, patch, size, toyDim, learning rate; each in the order the request lists them).
 * Run ids are the experiment id followed by the run's values: the prediction always ("x", "eps", "v";
 * "ddpm" for the DDPM baseline), the patch of a JiT ("p4") and the toy dimension ("d512") always, the
 * loss ("vloss"), size ("jitB") and learning rate ("lr2e-4") when the request varies them. Example:
 * "exp-1a2b3c4d-x-p4". The same request always gives the same ids in the same order.
 */
public final class Sweep {
    private Sweep() {}

    /**
     * Resolves the preset, checks the request (structure and ranges; datasets are the caller's check,
     * see {@link Experiments#accept}) and lists its runs. An experiment id is generated when absent.
     *
     * @throws InvalidRequestException when the request cannot run
     */
    public static List<RunSpec> expand(ExperimentRequest request) {
        ExperimentRequest r = RequestValidator.structural().check(Presets.resolve(request));
        String experimentId = r.experimentId() != null ? r.experimentId() : ExperimentIds.random();

        ExperimentRequest.Dataset d = r.dataset();
        ExperimentRequest.Model m = r.model();
        ExperimentRequest.Train t = r.train();
        ExperimentRequest.Sampling s = r.sampling();
        // the validator has checked every value: parsing cannot fail here
        Arch arch = Choice.parse(Arch.class, m.arch());
        DatasetKind kind = Choice.parse(DatasetKind.class, d.kind());
        boolean jit = arch == Arch.JIT;
        boolean toy = kind == DatasetKind.TOY;
        Method method = Choice.parse(Method.class, r.method());

        List<Prediction> predictions = parseAll(Prediction.class, r.prediction());
        List<LossSpace> losses = parseAll(LossSpace.class, r.loss());
        List<Integer> patches = jit ? m.patch() : List.of(0);
        List<JitModel> models = jit ? jitModels(m) : java.util.Collections.singletonList(new JitModel(null, null, ""));
        List<Integer> dims = toy ? d.toyDim() : List.of(0);
        List<Double> rates = t.learningRate();
        int imageSide = RequestValidator.imageSide(kind, d.imageSize());
        TimeSampling timeSampling = Choice.parse(TimeSampling.class, t.timeSampling());
        Solver solver = Choice.parse(Solver.class, s.solver());
        Extractor extractor = Choice.parse(Extractor.class, r.evaluation().extractor());

        List<RunSpec> runs = new ArrayList<>();
        for (Prediction prediction : predictions) {
            for (LossSpace loss : losses) {
                for (int patch : patches) {
                    for (JitModel model : models) {
                        for (int dim : dims) {
                            for (double lr : rates) {
                                StringBuilder id = new StringBuilder(experimentId);
                                id.append('-').append(method == Method.DDPM ? method.label() : prediction.label());
                                if (losses.size() > 1)
                                    id.append('-').append(loss.label()).append("loss");
                                if (jit) id.append("-p").append(patch);
                                id.append(model.idSuffix());
                                if (toy) id.append("-d").append(dim);
                                if (rates.size() > 1) id.append("-lr").append(compact(lr));
                                runs.add(new RunSpec(
                                        id.toString(),
                                        experimentId,
                                        new RunSpec.DatasetSpec(
                                                kind,
                                                d.location(),
                                                imageSide,
                                                dim,
                                                d.limit(),
                                                Boolean.TRUE.equals(d.randomFlip())),
                                        new RunSpec.ModelSpec(
                                                arch,
                                                model.size(),
                                                patch,
                                                m.bottleneck() != null
                                                        ? m.bottleneck()
                                                        : model.size() == null ? 0 : model.size().bottleneck,
                                                orZero(m.mlpWidth()),
                                                orZero(m.mlpDepth()),
                                                model.block()),
                                        method,
                                        prediction,
                                        loss,
                                        new RunSpec.TrainSpec(
                                                t.epochs(),
                                                t.batchSize(),
                                                lr,
                                                t.warmupSteps(),
                                                t.emaDecay(),
                                                timeSampling,
                                                t.tMean(),
                                                t.tStd(),
                                                t.noiseScale() != null ? t.noiseScale() : noiseScale(imageSide),
                                                t.labelDropProb(),
                                                t.checkpointEvery(),
                                                t.seed(),
                                                t.emaDecay2() == null ? 0 : t.emaDecay2(),
                                                t.precision() == null
                                                        ? Precision.FP32
                                                        : Choice.parse(Precision.class, t.precision())),
                                        new RunSpec.SamplingSpec(
                                                solver,
                                                s.steps(),
                                                s.gridSize(),
                                                s.numEval(),
                                                s.seed(),
                                                s.cfgScale(),
                                                s.cfgInterval().get(0),
                                                s.cfgInterval().get(1),
                                                s.clipDenoised()),
                                        new RunSpec.EvalSpec(
                                                extractor,
                                                r.evaluation().referenceStats(),
                                                r.evaluation().guidanceScales())));
                            }
                        }
                    }
                }
            }
        }
        return runs;
    }

    /** One JiT of the sweep: its size and block, and what its run id adds ("-jitB", "-rmsnorm", ...). */
    private record JitModel(JitSize size, JitBlock block, String idSuffix) {}

    /**
     * sizes x variants x every switch list, in that nesting; a switch given overrides the variant's value,
     * and the id names each value of a list that has more than one
     */
    private static List<JitModel> jitModels(ExperimentRequest.Model m) {
        List<JitSize> sizes = parseAll(JitSize.class, m.size());
        List<JitVariant> variants =
                m.variant() == null ? List.of(JitVariant.BASELINE) : parseAll(JitVariant.class, m.variant());
        List<Optional<Norm>> norms = optional(m.norm() == null ? null : parseAll(Norm.class, m.norm()));
        List<Optional<FeedForward>> mlps = optional(m.mlp() == null ? null : parseAll(FeedForward.class, m.mlp()));
        List<Optional<Boolean>> qkNorms = optional(m.qkNorm());
        List<Optional<Boolean>> ropes = optional(m.rope());
        List<Optional<Integer>> contexts = optional(m.inContextTokens());
        List<JitModel> out = new ArrayList<>();
        for (JitSize size : sizes) {
            for (JitVariant variant : variants) {
                for (Optional<Norm> norm : norms) {
                    for (Optional<FeedForward> mlp : mlps) {
                        for (Optional<Boolean> qk : qkNorms) {
                            for (Optional<Boolean> rope : ropes) {
                                for (Optional<Integer> ctx : contexts) {
                                    JitBlock base = variant.block(size);
                                    JitBlock block = new JitBlock(
                                            norm.orElse(base.norm()),
                                            mlp.orElse(base.feedForward()),
                                            qk.orElse(base.qkNorm()),
                                            rope.orElse(base.rope()),
                                            ctx.orElse(base.inContextTokens()),
                                            m.dropout() != null ? m.dropout() : base.dropout());
                                    StringBuilder id = new StringBuilder();
                                    if (sizes.size() > 1) id.append("-jit").append(size.label());
                                    if (variants.size() > 1) id.append('-').append(variant.label());
                                    if (norms.size() > 1)
                                        id.append('-').append(block.norm().label());
                                    if (mlps.size() > 1)
                                        id.append('-')
                                                .append(block.feedForward().label());
                                    if (qkNorms.size() > 1) id.append(block.qkNorm() ? "-qknorm" : "-noqknorm");
                                    if (ropes.size() > 1) id.append(block.rope() ? "-rope" : "-norope");
                                    if (contexts.size() > 1) id.append("-ctx").append(block.inContextTokens());
                                    out.add(new JitModel(size, block, id.toString()));
                                }
                            }
                        }
                    }
                }
            }
        }
        return out;
    }

    /** a switch list as choices, or one "not given" when the request leaves it out */
    private static <T> List<Optional<T>> optional(List<T> values) {
        return values == null || values.isEmpty()
                ? List.of(Optional.empty())
                : values.stream().map(Optional::of).toList();
    }

    /** Number of runs the request expands to (lists that do not apply to its model count once). */
    public static long runCount(ExperimentRequest r) {
        boolean jit = r.model() != null && Arch.JIT.label().equals(r.model().arch());
        boolean toy = r.dataset() != null
                && DatasetKind.TOY.label().equals(r.dataset().kind());
        return (long) count(r.prediction())
                * count(r.loss())
                * (jit
                        ? (long) count(r.model().patch())
                                * count(r.model().size())
                                * count(r.model().variant())
                                * count(r.model().norm())
                                * count(r.model().mlp())
                                * count(r.model().qkNorm())
                                * count(r.model().rope())
                                * count(r.model().inContextTokens())
                        : 1)
                * (toy ? count(r.dataset().toyDim()) : 1)
                * (r.train() == null ? 1 : count(r.train().learningRate()));
    }

    private static int count(List<?> values) {
        return values == null || values.isEmpty() ? 1 : values.size();
    }

    private static <E extends Enum<E> & Choice> List<E> parseAll(Class<E> type, List<String> labels) {
        return labels.stream().map(v -> Choice.parse(type, v)).toList();
    }

    /** the paper's noise scale: image side / 256 above 256 px (2 at 512), else 1 */
    static double noiseScale(int imageSide) {
        return Math.max(1.0, imageSide / 256.0);
    }

    private static int orZero(Integer v) {
        return v == null ? 0 : v;
    }

    /** 2.0E-4 -> "2e-4", 0.001 -> "0.001": short and safe in keys */
    static String compact(double v) {
        return Double.toString(v).toLowerCase(Locale.ROOT).replace(".0e", "e");
    }
}
