package org.denoiselab.sampler;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import org.denoiselab.pipeline.events.CheckpointEvent;
import org.denoiselab.pipeline.events.SamplesEvent;
import org.denoiselab.pipeline.jobs.JobSettings;
import org.denoiselab.pipeline.jobs.SampleJob;
import org.denoiselab.service.Pipeline;

/**
 * The one place the sampler calls core's sampling job: load the checkpoint (checksum verified), sample
 * with the run's seed, store the grid and the evaluation batch. The job is idempotent: a checkpoint
 * delivered twice yields the same objects, not new ones.
 */
@ApplicationScoped
public class SamplerWorker {
    @Inject
    Pipeline pipeline;

    private SampleJob job;

    public synchronized SamplesEvent sample(CheckpointEvent checkpoint) throws IOException {
        if (job == null) {
            job = new SampleJob(pipeline.store(), JobSettings.defaults());
        }
        return job.handle(checkpoint);
    }
}
