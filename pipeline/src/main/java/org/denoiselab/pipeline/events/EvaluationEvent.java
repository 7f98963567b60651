package org.denoiselab.pipeline.events;

import java.util.List;
import org.denoiselab.science.spec.RunSpec;

/**
 * Scores of one sample batch, on the evaluations topic (key = run id). The metric names say which
 * extractor produced them, so a Fashion-MNIST classifier distance is never mistaken for an
 * Inception FID: "fd_classifier"/"is_classifier" or "fid_inception"/"is_inception".
 *
 * @param fdMetric   name of {@code fd}, see {@link #fdMetric(String)}
 * @param fd         Fréchet distance to the reference statistics
 * @param isMetric   name of {@code isMean}/{@code isStd}
 * @param numSamples images scored (printed with the scores: FD depends on it)
 * @param trainLoss  the checkpoint's training loss
 * @param kidMetric  name of {@code kid}/{@code kidStd} ("kid_classifier"), null when not computed
 * @param kid        Kernel Inception Distance (unbiased MMD^2, mean over subsets) to reference features
 * @param sweep      the paper's evaluation practice: the same checkpoint scored at every guidance scale of
 *                   evaluation.guidanceScales with every EMA kept (empty when the request asks for none);
 *                   the fields above score the sampling settings (the grid's)
 */
public record EvaluationEvent(
        int schemaVersion,
        String runId,
        String experimentId,
        int epoch,
        String extractor,
        String fdMetric,
        Double fd,
        String isMetric,
        Double isMean,
        Double isStd,
        int numSamples,
        Double trainLoss,
        String batchKey,
        RunSpec spec,
        String createdAt,
        String kidMetric,
        Double kid,
        Double kidStd,
        List<SweepScore> sweep)
        implements PipelineMessage {

    /**
     * Scores of one setting of the evaluation sweep.
     *
     * @param emaDecay the EMA the samples came from
     * @param cfgScale the guidance scale (inside the sampling's guidance interval)
     * @param batchKey its sample batch
     */
    public record SweepScore(
            double emaDecay,
            double cfgScale,
            Double fd,
            Double isMean,
            Double isStd,
            Double kid,
            Double kidStd,
            String batchKey) {
        public SweepScore {
            fd = PipelineMessage.finite(fd);
            isMean = PipelineMessage.finite(isMean);
            isStd = PipelineMessage.finite(isStd);
            kid = PipelineMessage.finite(kid);
            kidStd = PipelineMessage.finite(kidStd);
        }
    }

    public EvaluationEvent {
        kid = PipelineMessage.finite(kid);
        kidStd = PipelineMessage.finite(kidStd);
        sweep = sweep == null ? List.of() : List.copyOf(sweep);
        fd = PipelineMessage.finite(fd);
        isMean = PipelineMessage.finite(isMean);
        isStd = PipelineMessage.finite(isStd);
        trainLoss = PipelineMessage.finite(trainLoss);
    }

    @Override
    public String key() {
        return runId;
    }

    /** "fd_classifier" for the project's classifier, "fid_inception" for Inception-v3 */
    public static String fdMetric(String extractor) {
        return extractor.equals("inception") ? "fid_inception" : "fd_" + extractor;
    }

    public static String isMetric(String extractor) {
        return "is_" + extractor;
    }

    public static String kidMetric(String extractor) {
        return "kid_" + extractor;
    }

    public static EvaluationEvent of(SamplesEvent samples, String extractor, double fd, double isMean, double isStd) {
        return of(samples, extractor, fd, isMean, isStd, Double.NaN, Double.NaN, List.of());
    }

    /** the sweep setting with the lowest FD (ties: the first), or empty without a sweep */
    public java.util.Optional<SweepScore> best() {
        return sweep.stream().filter(s -> s.fd() != null).min(java.util.Comparator.comparingDouble(SweepScore::fd));
    }

    public static EvaluationEvent of(
            SamplesEvent samples,
            String extractor,
            double fd,
            double isMean,
            double isStd,
            double kid,
            double kidStd,
            List<SweepScore> sweep) {
        return new EvaluationEvent(
                SCHEMA_VERSION,
                samples.runId(),
                samples.experimentId(),
                samples.epoch(),
                extractor,
                fdMetric(extractor),
                fd,
                isMetric(extractor),
                isMean,
                isStd,
                samples.numSamples(),
                samples.trainLoss(),
                samples.batchKey(),
                samples.spec(),
                PipelineMessage.now(),
                Double.isNaN(kid) ? null : kidMetric(extractor),
                kid,
                kidStd,
                sweep);
    }

    public static EvaluationEvent decode(byte[] json) {
        return PipelineMessage.decode(json, EvaluationEvent.class);
    }
}
