package org.denoiselab.trainer;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.denoiselab.pipeline.kafka.ConsumerLoop;
import org.denoiselab.pipeline.kafka.TopicReader;
import org.denoiselab.pipeline.kafka.Topics;
import org.denoiselab.service.Pipeline;

/** Starts the trainer's consumers: experiment intake, the runs, and the run-status view. */
@ApplicationScoped
public class TrainerService {
    static final String INTAKE_GROUP = "trainer-intake";
    static final String TRAINERS_GROUP = "trainers";

    @Inject
    Pipeline pipeline;

    @Inject
    ExperimentIntake intake;

    @Inject
    RunTrainer runTrainer;

    @Inject
    RunStatusView statuses;

    @Inject
    MeterRegistry registry;

    void start(@Observes StartupEvent event) {
        runTrainer.start();
        pipeline.start(
                new TopicReader(Topics.RUN_STATUS, pipeline.reader(Topics.RUN_STATUS), statuses::apply, registry));
        pipeline.start(new ConsumerLoop(
                Topics.EXPERIMENTS,
                pipeline.groupConsumer(INTAKE_GROUP),
                (record, cancelled) -> intake.publishRuns(intake.accept(record.value())),
                pipeline.producer(),
                registry,
                ConsumerLoop.Options.defaults()));
        pipeline.start(new ConsumerLoop(
                Topics.RUNS,
                pipeline.groupConsumer(TRAINERS_GROUP),
                runTrainer,
                pipeline.producer(),
                registry,
                ConsumerLoop.Options.defaults()));
    }
}
