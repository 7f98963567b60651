package org.denoiselab.trainer;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.denoiselab.pipeline.events.CheckpointEvent;
import org.denoiselab.pipeline.events.RunEvent;
import org.denoiselab.pipeline.events.RunStatus;
import org.denoiselab.pipeline.jobs.TrainJob;
import org.denoiselab.pipeline.kafka.PublishedIndex;
import org.denoiselab.pipeline.kafka.RecordHandler;
import org.denoiselab.pipeline.kafka.Topics;
import org.denoiselab.science.model.Precision;
import org.denoiselab.service.Pipeline;
import org.jboss.logging.Logger;

/**
 * Trains the run of one record of the runs topic (one at a time per replica, see ConsumerLoop):
 * statuses go to run-status, checkpoint events to checkpoints. A run that ends COMPLETED or FAILED is
 * done (its offset is committed); a cancelled run is not, and whoever gets its partition resumes it.
 */
@ApplicationScoped
public class RunTrainer implements RecordHandler {
    private static final Logger LOG = Logger.getLogger(RunTrainer.class);

    @Inject
    Pipeline pipeline;

    @Inject
    TrainerWorker worker;

    @Inject
    MeterRegistry registry;

    private volatile Counter completed;
    private volatile Counter failed;

    private volatile PublishedIndex published;

    /** how long a lookup in the checkpoints index waits for the index to catch up with the topic */
    static final java.time.Duration CATCH_UP = java.time.Duration.ofSeconds(60);

    /**
     * Starts the index of the checkpoints topic, so a resumed run's checkpoint event is published once. Called by
     * TrainerService before the runs consumer starts (not on an intake-only replica).
     */
    void start() {
        registerCounters();
        published = pipeline.published(
                Topics.CHECKPOINTS, r -> PublishedIndex.checkpointId(CheckpointEvent.decode(r.value())));
    }

    /**
     * Registers the counters at zero before the first run, so that increase() sees the first run end too.
     * Counters only: the per-run gauges come and go with each run ({@link RunGauges}).
     */
    synchronized void registerCounters() {
        if (completed != null) {
            return;
        }
        completed = Counter.builder("trainer.runs.completed")
                .description("runs this replica finished (read with increase())")
                .register(registry);
        failed = Counter.builder("trainer.runs.failed")
                .description("runs this replica reported FAILED (read with increase())")
                .register(registry);
    }

    @Override
    public void handle(ConsumerRecord<String, byte[]> record, BooleanSupplier cancelled) {
        registerCounters();
        RunEvent run = RunEvent.decode(record.value());
        LOG.infof(
                "run %s (%d of %d in %s): training", run.runId(), run.index() + 1, run.runCount(), run.experimentId());
        TrainJob.Outcome outcome;
        RunGauges gauges =
                new RunGauges(registry, run.runId(), run.spec().train().precision() == Precision.FP16);
        try {
            outcome = worker.train(
                    run.spec(),
                    new TrainJob.Sink() {
                        @Override
                        public void status(RunStatus status) {
                            gauges.observe(status);
                            pipeline.producer().publish(Topics.RUN_STATUS, status);
                        }

                        @Override
                        public void checkpoint(CheckpointEvent event) {
                            // a resumed run announces its resume checkpoint again: published once
                            String id = PublishedIndex.checkpointId(event);
                            if (published.contains(id, CATCH_UP)) {
                                LOG.infof(
                                        "run %s epoch %d: checkpoint event already published",
                                        event.runId(), event.epoch());
                                return;
                            }
                            pipeline.producer().publish(Topics.CHECKPOINTS, event);
                            published.add(id);
                        }
                    },
                    cancelled);
        } catch (RuntimeException e) {
            if (cancelled.getAsBoolean()) {
                outcome = TrainJob.Outcome.CANCELLED;
            } else {
                // the job itself broke (not a training failure it reported): the run is FAILED, not retried
                String reason =
                        e.getMessage() != null ? e.getMessage() : e.getClass().getName();
                LOG.errorf(e, "run %s failed: %s", run.runId(), reason);
                pipeline.producer().publish(Topics.RUN_STATUS, RunStatus.failed(run.spec(), 0, 0, 0, reason));
                outcome = TrainJob.Outcome.FAILED;
            }
        } finally {
            gauges.close();
        }
        switch (outcome) {
            case COMPLETED -> completed.increment();
            case FAILED -> failed.increment();
            case CANCELLED -> LOG.infof("run %s cancelled: left to the next owner of its partition", run.runId());
        }
    }
}
