package org.denoiselab.sampler;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.denoiselab.pipeline.events.CheckpointEvent;
import org.denoiselab.pipeline.events.SamplesEvent;
import org.denoiselab.pipeline.kafka.RecordHandler;
import org.denoiselab.pipeline.kafka.Topics;
import org.denoiselab.service.Pipeline;
import org.jboss.logging.Logger;

/** One checkpoint event in, its samples stored and a SamplesEvent out (after the objects are stored). */
@ApplicationScoped
public class CheckpointSampler implements RecordHandler {
    private static final Logger LOG = Logger.getLogger(CheckpointSampler.class);

    @Inject
    Pipeline pipeline;

    @Inject
    SamplerWorker worker;

    @Override
    public void handle(ConsumerRecord<String, byte[]> record, BooleanSupplier cancelled) throws Exception {
        CheckpointEvent checkpoint = CheckpointEvent.decode(record.value());
        SamplesEvent samples = worker.sample(checkpoint);
        pipeline.producer().publish(Topics.SAMPLES, samples);
        LOG.infof(
                "run %s epoch %d: grid %s, %d samples for evaluation",
                samples.runId(), samples.epoch(), samples.gridKey(), samples.numSamples());
    }
}
