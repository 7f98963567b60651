package org.denoiselab.eval;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Optional;
import org.denoiselab.core.pipeline.EvaluationEvent;
import org.denoiselab.core.pipeline.SamplesEvent;
import org.denoiselab.service.Pipeline;

/**
 * The one place the evaluator calls core's evaluation job (org.denoiselab.core.jobs.EvalJob): score
 * the batch against the dataset's reference statistics (computed once, kept in the store). Empty when
 * this batch was already evaluated (a redelivered event makes no second result).
 */
@ApplicationScoped
public class EvalWorker {
    @Inject
    Pipeline pipeline;

    public Optional<EvaluationEvent> evaluate(SamplesEvent samples) {
        // INTEGRATION (jobs branch): keep one job per service and replace the throw with
        //   return job().handle(samples);
        // where job() lazily builds new EvalJob(pipeline.store(), JobSettings.defaults()).
        throw new UnsupportedOperationException("org.denoiselab.core.jobs.EvalJob is not merged yet");
    }
}
