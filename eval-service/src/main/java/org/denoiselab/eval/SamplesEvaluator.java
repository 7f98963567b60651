package org.denoiselab.eval;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.denoiselab.pipeline.events.EvaluationEvent;
import org.denoiselab.pipeline.events.SamplesEvent;
import org.denoiselab.pipeline.kafka.RecordHandler;
import org.denoiselab.pipeline.kafka.Topics;
import org.denoiselab.service.Pipeline;
import org.jboss.logging.Logger;

/** One samples event in, its scores out on the evaluations topic (nothing when already evaluated). */
@ApplicationScoped
public class SamplesEvaluator implements RecordHandler {
    private static final Logger LOG = Logger.getLogger(SamplesEvaluator.class);

    @Inject
    Pipeline pipeline;

    @Inject
    EvalWorker worker;

    @Override
    public void handle(ConsumerRecord<String, byte[]> record, BooleanSupplier cancelled) throws Exception {
        SamplesEvent samples = SamplesEvent.decode(record.value());
        Optional<EvaluationEvent> evaluation = worker.evaluate(samples);
        if (evaluation.isEmpty()) {
            LOG.infof("run %s epoch %d: already evaluated, nothing published", samples.runId(), samples.epoch());
            return;
        }
        EvaluationEvent e = evaluation.get();
        pipeline.producer().publish(Topics.EVALUATIONS, e);
        LOG.infof(
                "run %s epoch %d: %s=%s %s=%s (%d samples)",
                e.runId(), e.epoch(), e.fdMetric(), e.fd(), e.isMetric(), e.isMean(), e.numSamples());
    }
}
