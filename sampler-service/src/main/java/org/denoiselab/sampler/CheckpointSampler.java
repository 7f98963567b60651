package org.denoiselab.sampler;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.denoiselab.pipeline.events.CheckpointEvent;
import org.denoiselab.pipeline.events.SamplesEvent;
import org.denoiselab.pipeline.kafka.PublishedIndex;
import org.denoiselab.pipeline.kafka.RecordHandler;
import org.denoiselab.pipeline.kafka.Topics;
import org.denoiselab.service.Faults;
import org.denoiselab.service.Pipeline;
import org.jboss.logging.Logger;

/**
 * One checkpoint event in, its samples stored and a SamplesEvent out (after the objects are stored), once: a
 * checkpoint delivered again (redelivery, a resumed run) finds its objects in the store, and its event is
 * published only when the samples topic does not hold it yet ({@link PublishedIndex}).
 */
@ApplicationScoped
public class CheckpointSampler implements RecordHandler {
    private static final Logger LOG = Logger.getLogger(CheckpointSampler.class);
    static final Duration CATCH_UP = Duration.ofSeconds(60);

    @Inject
    Pipeline pipeline;

    @Inject
    SamplerWorker worker;

    @Inject
    Faults faults;

    private volatile PublishedIndex published;

    /** starts the index of the samples topic (called by SamplerService before consuming) */
    void start() {
        published = pipeline.published(Topics.SAMPLES, r -> PublishedIndex.samplesId(SamplesEvent.decode(r.value())));
    }

    @Override
    public void handle(ConsumerRecord<String, byte[]> record, BooleanSupplier cancelled) throws Exception {
        CheckpointEvent checkpoint = CheckpointEvent.decode(record.value());
        SamplesEvent samples = worker.sample(checkpoint);
        String id = PublishedIndex.samplesId(samples);
        if (published.contains(id, CATCH_UP)) {
            LOG.infof("run %s epoch %d: samples event already published", samples.runId(), samples.epoch());
            return;
        }
        faults.beforePublish(Topics.SAMPLES);
        pipeline.producer().publish(Topics.SAMPLES, samples);
        published.add(id);
        LOG.infof(
                "run %s epoch %d: grid %s, %d samples for evaluation",
                samples.runId(), samples.epoch(), samples.gridKey(), samples.numSamples());
    }
}
