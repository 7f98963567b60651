package org.denoiselab.trainer;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import org.denoiselab.pipeline.events.RunStatus;

/**
 * The training gauges of the one run this replica has in hand, tagged with its run id: registered when the
 * run starts here and removed when it ends, whatever the outcome, so no series is left behind and the label
 * values stay bounded (one run per replica at a time). Prometheus names: trainer_run_epoch,
 * trainer_run_loss, trainer_run_images_per_second (label run); the dashboard groups them by run.
 */
final class RunGauges implements AutoCloseable {
    private final MeterRegistry registry;
    private final List<Gauge> gauges;

    /** epochs completed */
    private volatile double epoch;

    /** recent training loss; NaN until the first progress report (or when not finite) */
    private volatile double loss = Double.NaN;

    /** training throughput, images per second; NaN until known */
    private volatile double imagesPerSecond = Double.NaN;

    RunGauges(MeterRegistry registry, String runId) {
        this.registry = registry;
        this.gauges = List.of(
                Gauge.builder("trainer.run.epoch", this, g -> g.epoch)
                        .description("epochs completed by the run this replica trains")
                        .tag("run", runId)
                        .register(registry),
                Gauge.builder("trainer.run.loss", this, g -> g.loss)
                        .description("recent training loss of the run this replica trains")
                        .tag("run", runId)
                        .register(registry),
                Gauge.builder("trainer.run.images.per.second", this, g -> g.imagesPerSecond)
                        .description("training throughput of the run this replica trains, images per second")
                        .tag("run", runId)
                        .register(registry));
    }

    /** takes epoch, loss and throughput from a status the run reported (absent numbers keep their value) */
    void observe(RunStatus s) {
        epoch = s.epoch();
        if (s.loss() != null) {
            loss = s.loss();
        }
        if (s.imagesPerSecond() != null) {
            imagesPerSecond = s.imagesPerSecond();
        }
    }

    /** removes the run's series from the registry (and so from /q/metrics) */
    @Override
    public void close() {
        gauges.forEach(registry::remove);
    }
}
