package org.denoiselab.trainer;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import org.denoiselab.pipeline.events.RunStatus;

/**
 * The training gauges of the one run this replica has in hand, tagged with its run id: registered when the
 * run starts here and removed when it ends, whatever the outcome, so no series is left behind and the label
 * values stay bounded (one run per replica at a time). Prometheus names: trainer_run_epoch,
 * trainer_run_loss, trainer_run_images_per_second (label run), and for FP16 runs trainer_run_loss_scale and
 * trainer_run_skipped_steps; the dashboard groups them by run.
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

    /** FP16: the dynamic loss scale; NaN until known */
    private volatile double lossScale = Double.NaN;

    /** FP16: steps skipped because their gradients overflowed */
    private volatile double skippedSteps;

    /** the gauges of an FP32 run */
    RunGauges(MeterRegistry registry, String runId) {
        this(registry, runId, false);
    }

    /** @param fp16 whether the run trains in FP16 (it then also has loss-scale gauges) */
    RunGauges(MeterRegistry registry, String runId, boolean fp16) {
        this.registry = registry;
        List<Gauge> common = List.of(
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
        this.gauges = !fp16
                ? common
                : java.util.stream.Stream.concat(
                                common.stream(),
                                java.util.stream.Stream.of(
                                        Gauge.builder("trainer.run.loss.scale", this, g -> g.lossScale)
                                                .description("FP16 dynamic loss scale of the run this replica trains")
                                                .tag("run", runId)
                                                .register(registry),
                                        Gauge.builder("trainer.run.skipped.steps", this, g -> g.skippedSteps)
                                                .description("FP16 steps skipped (gradient overflow) by the run"
                                                        + " this replica trains")
                                                .tag("run", runId)
                                                .register(registry)))
                        .toList();
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
        if (s.lossScale() != null) {
            lossScale = s.lossScale();
        }
        if (s.skippedSteps() != null) {
            skippedSteps = s.skippedSteps();
        }
    }

    /** removes the run's series from the registry (and so from /q/metrics) */
    @Override
    public void close() {
        gauges.forEach(registry::remove);
    }
}
