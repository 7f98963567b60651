package org.denoiselab.experiment;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
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
        List<JitSize> sizes = jit ? parseAll(JitSize.class, m.size()) : java.util.Collections.singletonList(null);
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
                    for (JitSize size : sizes) {
                        for (int dim : dims) {
                            for (double lr : rates) {
                                StringBuilder id = new StringBuilder(experimentId);
                                id.append('-').append(method == Method.DDPM ? method.label() : prediction.label());
                                if (losses.size() > 1)
                                    id.append('-').append(loss.label()).append("loss");
                                if (jit) id.append("-p").append(patch);
                                if (sizes.size() > 1) id.append("-jit").append(size.label());
                                if (toy) id.append("-d").append(dim);
                                if (rates.size() > 1) id.append("-lr").append(compact(lr));
                                runs.add(new RunSpec(
                                        id.toString(),
                                        experimentId,
                                        new RunSpec.DatasetSpec(kind, d.location(), imageSide, dim, d.limit()),
                                        new RunSpec.ModelSpec(
                                                arch,
                                                size,
                                                patch,
                                                orZero(m.bottleneck()),
                                                orZero(m.mlpWidth()),
                                                orZero(m.mlpDepth())),
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
                                                t.noiseScale(),
                                                t.labelDropProb(),
                                                t.checkpointEvery(),
                                                t.seed()),
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
                                                extractor, r.evaluation().referenceStats())));
                            }
                        }
                    }
                }
            }
        }
        return runs;
    }

    /** Number of runs the request expands to (lists that do not apply to its model count once). */
    public static long runCount(ExperimentRequest r) {
        boolean jit = r.model() != null && Arch.JIT.label().equals(r.model().arch());
        boolean toy = r.dataset() != null
                && DatasetKind.TOY.label().equals(r.dataset().kind());
        return (long) count(r.prediction())
                * count(r.loss())
                * (jit ? count(r.model().patch()) * count(r.model().size()) : 1)
                * (toy ? count(r.dataset().toyDim()) : 1)
                * (r.train() == null ? 1 : count(r.train().learningRate()));
    }

    private static int count(List<?> values) {
        return values == null || values.isEmpty() ? 1 : values.size();
    }

    private static <E extends Enum<E> & Choice> List<E> parseAll(Class<E> type, List<String> labels) {
        return labels.stream().map(v -> Choice.parse(type, v)).toList();
    }

    private static int orZero(Integer v) {
        return v == null ? 0 : v;
    }

    /** 2.0E-4 -> "2e-4", 0.001 -> "0.001": short and safe in keys */
    static String compact(double v) {
        return Double.toString(v).toLowerCase(Locale.ROOT).replace(".0e", "e");
    }
}
