package org.denoiselab.trainer;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.function.BooleanSupplier;
import org.denoiselab.pipeline.jobs.JobSettings;
import org.denoiselab.pipeline.jobs.TrainJob;
import org.denoiselab.science.spec.RunSpec;
import org.denoiselab.service.DataRootsSetting;
import org.denoiselab.service.Pipeline;

/**
 * The one place the trainer calls core's training job, which resumes from the run's latest stored
 * checkpoint and stores each checkpoint before reporting it.
 */
@ApplicationScoped
public class TrainerWorker {
    @Inject
    Pipeline pipeline;

    @Inject
    DataRootsSetting dataRoots;

    public TrainJob.Outcome train(RunSpec spec, TrainJob.Sink sink, BooleanSupplier cancelled) {
        return new TrainJob(pipeline.store(), JobSettings.defaults().withDataRoots(dataRoots.roots()))
                .run(spec, sink, cancelled)
                .outcome();
    }
}
