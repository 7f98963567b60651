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
 * Starts the evaluator (samples, group evaluators) and the results view, which reads the whole
 * evaluations topic on every start so that every result stays queryable.
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
    MeterRegistry registry;

    void start(@Observes StartupEvent event) {
        evaluator.start();
        pipeline.start(
                new TopicReader(Topics.EVALUATIONS, pipeline.reader(Topics.EVALUATIONS), results::apply, registry));
        pipeline.start(new ConsumerLoop(
                Topics.SAMPLES,
                pipeline.groupConsumer(GROUP),
                evaluator,
                pipeline.producer(),
                registry,
                ConsumerLoop.Options.defaults()));
    }
}
