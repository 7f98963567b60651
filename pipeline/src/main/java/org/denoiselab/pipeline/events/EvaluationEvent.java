package org.denoiselab.pipeline.events;

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
        String createdAt)
        implements PipelineMessage {

    public EvaluationEvent {
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

    public static EvaluationEvent of(SamplesEvent samples, String extractor, double fd, double isMean, double isStd) {
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
                PipelineMessage.now());
    }

    public static EvaluationEvent decode(byte[] json) {
        return PipelineMessage.decode(json, EvaluationEvent.class);
    }
}
