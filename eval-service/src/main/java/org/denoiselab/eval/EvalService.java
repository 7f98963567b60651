package org.denoiselab.eval;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.denoiselab.pipeline.kafka.ConsumerLoop;
import org.denoiselab.pipeline.kafka.TopicReader;
import org.denoiselab.pipeline.kafka.Topics;
import org.denoiselab.service.Pipeline;

/**
 * Starts the evaluator (samples, group evaluators) and the views behind the results pages, which read whole
 * topics on every start so that every result stays queryable: evaluations (scores), runs (each
 * experiment's runs and specs), run-status (progress, failures) and checkpoints (loss per epoch).
 */
@ApplicationScoped
public class EvalService {
    static final String GROUP = "evaluators";

    @Inject
    Pipeline pipeline;

    @Inject
    SamplesEvaluator evaluator;

    @Inject
    ResultsView results;

    @Inject
    RunsView runs;

    @Inject
    MeterRegistry registry;

    void start(@Observes StartupEvent event) {
        results.checkSettings();
        evaluator.start();
        pipeline.start(
                new TopicReader(Topics.EVALUATIONS, pipeline.reader(Topics.EVALUATIONS), results::apply, registry));
        // the results page's run list, status and loss curves (group-less readers, like the trainer's /runs)
        pipeline.start(new TopicReader(Topics.RUNS, pipeline.reader(Topics.RUNS), runs::applyRun, registry));
        pipeline.start(
                new TopicReader(Topics.RUN_STATUS, pipeline.reader(Topics.RUN_STATUS), runs::applyStatus, registry));
        pipeline.start(new TopicReader(
                Topics.CHECKPOINTS, pipeline.reader(Topics.CHECKPOINTS), runs::applyCheckpoint, registry));
        pipeline.start(new ConsumerLoop(
                Topics.SAMPLES,
                pipeline.groupConsumer(GROUP),
                evaluator,
                pipeline.producer(),
                registry,
                pipeline.loopOptions()));
    }
}
