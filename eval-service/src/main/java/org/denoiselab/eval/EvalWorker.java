package org.denoiselab.eval;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import org.denoiselab.pipeline.events.EvaluationEvent;
import org.denoiselab.pipeline.events.SamplesEvent;
import org.denoiselab.pipeline.jobs.EvalJob;
import org.denoiselab.pipeline.jobs.JobSettings;
import org.denoiselab.service.DataRootsSetting;
import org.denoiselab.service.Pipeline;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The one place the evaluator calls core's evaluation job: score the batch against the dataset's
 * reference statistics (computed once, kept in the store). Empty when this batch was already evaluated
 * (a redelivered event makes no second result).
 */
@ApplicationScoped
public class EvalWorker {
    @Inject
    Pipeline pipeline;

    @Inject
    DataRootsSetting dataRoots;

    /**
     * images and epochs of the evaluation classifier's one-off training (per dataset, then kept in the
     * store); absent: {@link JobSettings#defaults()}'s, which bin/lab scores with too
     */
    @ConfigProperty(name = "denoise.eval.classifier-images")
    Optional<Integer> classifierImages;

    @ConfigProperty(name = "denoise.eval.classifier-epochs")
    Optional<Integer> classifierEpochs;

    /** test images behind the reference statistics (0 = the whole test split) */
    @ConfigProperty(name = "denoise.eval.reference-images", defaultValue = "0")
    int referenceImages;

    /** TorchScript inception-2015-12-05.pt for extractor "inception" (optional) */
    @ConfigProperty(name = "denoise.eval.inception-path")
    Optional<String> inceptionPath;

    private EvalJob job;

    public synchronized Optional<EvaluationEvent> evaluate(SamplesEvent samples) throws IOException {
        return job().handle(samples);
    }

    /** the evaluation already stored for this batch, if any (see EvalJob.stored) */
    public synchronized Optional<EvaluationEvent> stored(SamplesEvent samples) {
        return job().stored(samples);
    }

    private EvalJob job() {
        if (job == null) {
            JobSettings defaults = JobSettings.defaults();
            job = new EvalJob(
                    pipeline.store(),
                    defaults.withClassifierBudget(
                                    classifierImages.orElse(defaults.classifierTrainImages()),
                                    classifierEpochs.orElse(defaults.classifierEpochs()))
                            .withReferenceImages(referenceImages)
                            .withInceptionPath(inceptionPath.map(Path::of).orElse(null))
                            .withDataRoots(dataRoots.roots()));
        }
        return job;
    }

    @PreDestroy
    synchronized void close() {
        if (job != null) {
            job.close();
        }
    }
}
