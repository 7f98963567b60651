package org.denoiselab.sampler;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.denoiselab.core.pipeline.CheckpointEvent;
import org.denoiselab.core.pipeline.SamplesEvent;
import org.denoiselab.service.Pipeline;

/**
 * The one place the sampler calls core's sampling job (org.denoiselab.core.jobs.SampleJob): load the
 * checkpoint (checksum verified), sample with the run's seed, store the grid and the evaluation batch.
 * The job is idempotent: a checkpoint delivered twice yields the same objects, not new ones.
 */
@ApplicationScoped
public class SamplerWorker {
    @Inject
    Pipeline pipeline;

    public SamplesEvent sample(CheckpointEvent checkpoint) {
        // INTEGRATION (jobs branch): keep one job per service and replace the throw with
        //   return job().handle(checkpoint);
        // where job() lazily builds new SampleJob(pipeline.store(), JobSettings.defaults()).
        throw new UnsupportedOperationException("org.denoiselab.core.jobs.SampleJob is not merged yet");
    }
}
