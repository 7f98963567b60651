package org.denoiselab.trainer;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.function.BooleanSupplier;
import org.denoiselab.core.experiment.RunSpec;
import org.denoiselab.core.pipeline.CheckpointEvent;
import org.denoiselab.core.pipeline.RunStatus;
import org.denoiselab.service.Pipeline;

/**
 * The one place the trainer calls core's training job (org.denoiselab.core.jobs.TrainJob), which
 * resumes from the run's latest stored checkpoint and stores each checkpoint before reporting it.
 */
@ApplicationScoped
public class TrainerWorker {
    /** How a run ended on this replica. */
    public enum Outcome { COMPLETED, FAILED, CANCELLED }

    /** Where the job's messages go. */
    public interface Sink {
        void status(RunStatus status);

        void checkpoint(CheckpointEvent event);
    }

    @Inject
    Pipeline pipeline;

    public Outcome train(RunSpec spec, Sink sink, BooleanSupplier cancelled) {
        // INTEGRATION (jobs branch): replace the throw with
        //   TrainJob.Result r = new TrainJob(pipeline.store(), JobSettings.defaults()).run(spec, new TrainJob.Sink() {
        //       public void status(RunStatus s) { sink.status(s); }
        //       public void checkpoint(CheckpointEvent e) { sink.checkpoint(e); }
        //   }, cancelled);
        //   return Outcome.valueOf(r.outcome().name());
        throw new UnsupportedOperationException("org.denoiselab.core.jobs.TrainJob is not merged yet");
    }
}
