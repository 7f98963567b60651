package org.denoiselab.trainer;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.denoiselab.pipeline.kafka.ConsumerLoop;
import org.denoiselab.pipeline.kafka.TopicReader;
import org.denoiselab.pipeline.kafka.Topics;
import org.denoiselab.service.ApiAuth;
import org.denoiselab.service.Pipeline;

/**
 * Starts the trainer's consumers as its {@link TrainerRole} says: the intake (the experiments consumer and
 * the run-status view) and the trainer (the runs consumer), or both (the default).
 */
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

    @Inject
    TrainerRole role;

    @Inject
    ApiAuth auth;

    void start(@Observes StartupEvent event) {
        role.check();
        if (role.takesRequests()) {
            auth.requireTokensFor("POST /experiments");
            pipeline.start(
                    new TopicReader(Topics.RUN_STATUS, pipeline.reader(Topics.RUN_STATUS), statuses::apply, registry));
            pipeline.start(new ConsumerLoop(
                    Topics.EXPERIMENTS,
                    pipeline.groupConsumer(INTAKE_GROUP),
                    (record, cancelled) -> intake.publishRuns(intake.accept(record.value())),
                    pipeline.producer(),
                    registry,
                    pipeline.loopOptions()));
        }
        if (role.consumes()) {
            runTrainer.start();
            pipeline.start(new ConsumerLoop(
                    Topics.RUNS,
                    pipeline.groupConsumer(TRAINERS_GROUP),
                    runTrainer,
                    pipeline.producer(),
                    registry,
                    pipeline.loopOptions()));
        }
    }
}
