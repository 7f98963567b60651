package org.denoiselab.sampler;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.denoiselab.pipeline.kafka.ConsumerLoop;
import org.denoiselab.pipeline.kafka.Topics;
import org.denoiselab.service.Pipeline;

/** Starts the sampler's consumer of checkpoints (group samplers). */
@ApplicationScoped
public class SamplerService {
    static final String GROUP = "samplers";

    @Inject
    Pipeline pipeline;

    @Inject
    CheckpointSampler sampler;

    @Inject
    MeterRegistry registry;

    void start(@Observes StartupEvent event) {
        sampler.start();
        pipeline.start(new ConsumerLoop(
                Topics.CHECKPOINTS,
                pipeline.groupConsumer(GROUP),
                sampler,
                pipeline.producer(),
                registry,
                pipeline.loopOptions()));
    }
}
