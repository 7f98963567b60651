package org.denoiselab.core.experiment;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.denoiselab.core.diffusion.Target;

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
        boolean jit = m.arch().equals("jit");
        boolean toy = d.kind().equals("toy");
        RunSpec.Method method = RunSpec.Method.valueOf(r.method().toUpperCase(Locale.ROOT));

        List<Target> predictions = r.prediction().stream().map(Target::parse).toList();
        List<Target> losses = r.loss().stream().map(Target::parse).toList();
        List<Integer> patches = jit ? m.patch() : List.of(0);
        List<String> sizes = jit ? m.size() : java.util.Collections.singletonList(null);
        List<Integer> dims = toy ? d.toyDim() : List.of(0);
        List<Double> rates = t.learningRate();
        int imageSide = RequestValidator.imageSide(d.kind(), d.imageSize());

        List<RunSpec> runs = new ArrayList<>();
        for (Target prediction : predictions) {
            for (Target loss : losses) {
                for (int patch : patches) {
                    for (String size : sizes) {
                        for (int dim : dims) {
                            for (double lr : rates) {
                                StringBuilder id = new StringBuilder(experimentId);
                                id.append('-').append(method == RunSpec.Method.DDPM ? "ddpm" : prediction.label());
                                if (losses.size() > 1) id.append('-').append(loss.label()).append("loss");
                                if (jit) id.append("-p").append(patch);
                                if (sizes.size() > 1) id.append("-jit").append(size);
                                if (toy) id.append("-d").append(dim);
                                if (rates.size() > 1) id.append("-lr").append(compact(lr));
                                runs.add(new RunSpec(
                                        id.toString(),
                                        experimentId,
                                        new RunSpec.DatasetSpec(d.kind(), d.location(), imageSide, dim, d.limit()),
                                        new RunSpec.ModelSpec(m.arch(), size, patch, orZero(m.bottleneck()),
                                                orZero(m.mlpWidth()), orZero(m.mlpDepth())),
                                        method,
                                        prediction,
                                        loss,
                                        new RunSpec.TrainSpec(t.epochs(), t.batchSize(), lr, t.warmupSteps(), t.emaDecay(),
                                                t.timeSampling(), t.tMean(), t.tStd(), t.noiseScale(), t.labelDropProb(),
                                                t.checkpointEvery(), t.seed()),
                                        new RunSpec.SamplingSpec(s.solver(), s.steps(), s.gridSize(), s.numEval(), s.seed(),
                                                s.cfgScale(), s.cfgInterval().get(0), s.cfgInterval().get(1),
                                                s.clipDenoised()),
                                        new RunSpec.EvalSpec(r.evaluation().extractor(), r.evaluation().referenceStats())));
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
        boolean jit = r.model() != null && "jit".equals(r.model().arch());
        boolean toy = r.dataset() != null && "toy".equals(r.dataset().kind());
        return (long) count(r.prediction()) * count(r.loss())
                * (jit ? count(r.model().patch()) * count(r.model().size()) : 1)
                * (toy ? count(r.dataset().toyDim()) : 1)
                * (r.train() == null ? 1 : count(r.train().learningRate()));
    }

    private static int count(List<?> values) {
        return values == null || values.isEmpty() ? 1 : values.size();
    }

    private static int orZero(Integer v) {
        return v == null ? 0 : v;
    }

    /** 2.0E-4 -> "2e-4", 0.001 -> "0.001": short and safe in keys */
    static String compact(double v) {
        return Double.toString(v).toLowerCase(Locale.ROOT).replace(".0e", "e");
    }
}
