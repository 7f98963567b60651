package org.denoiselab.eval;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.denoiselab.pipeline.events.EvaluationEvent;
import org.denoiselab.pipeline.events.SamplesEvent;
import org.denoiselab.pipeline.kafka.PublishedIndex;
import org.denoiselab.pipeline.kafka.RecordHandler;
import org.denoiselab.pipeline.kafka.Topics;
import org.denoiselab.service.Faults;
import org.denoiselab.service.Pipeline;
import org.jboss.logging.Logger;

/**
 * One samples event in, its scores out on the evaluations topic, once: a batch already scored is not scored
 * again, and its stored evaluation is published only when the evaluations topic does not hold it yet (the
 * previous attempt stored it and died before publishing, see {@link PublishedIndex}).
 */
@ApplicationScoped
public class SamplesEvaluator implements RecordHandler {
    private static final Logger LOG = Logger.getLogger(SamplesEvaluator.class);
    static final Duration CATCH_UP = Duration.ofSeconds(60);

    @Inject
    Pipeline pipeline;

    @Inject
    EvalWorker worker;

    @Inject
    Faults faults;

    private volatile PublishedIndex published;

    /** starts the index of the evaluations topic (called by EvalService before consuming) */
    void start() {
        published = pipeline.published(
                Topics.EVALUATIONS, r -> PublishedIndex.evaluationId(EvaluationEvent.decode(r.value())));
    }

    @Override
    public void handle(ConsumerRecord<String, byte[]> record, BooleanSupplier cancelled) throws Exception {
        SamplesEvent samples = SamplesEvent.decode(record.value());
        Optional<EvaluationEvent> evaluation = worker.evaluate(samples);
        if (evaluation.isEmpty()) {
            evaluation = worker.stored(samples);
            if (evaluation.isEmpty()) {
                LOG.infof("run %s epoch %d: nothing to evaluate", samples.runId(), samples.epoch());
                return;
            }
            if (published.contains(PublishedIndex.evaluationId(evaluation.get()), CATCH_UP)) {
                LOG.infof("run %s epoch %d: already evaluated and published", samples.runId(), samples.epoch());
                return;
            }
            LOG.infof(
                    "run %s epoch %d: evaluation stored but never published, publishing it",
                    samples.runId(), samples.epoch());
        }
        EvaluationEvent e = evaluation.get();
        faults.beforePublish(Topics.EVALUATIONS);
        pipeline.producer().publish(Topics.EVALUATIONS, e);
        published.add(PublishedIndex.evaluationId(e));
        LOG.infof(
                "run %s epoch %d: %s=%s %s=%s (%d samples)",
                e.runId(), e.epoch(), e.fdMetric(), e.fd(), e.isMetric(), e.isMean(), e.numSamples());
    }
}
