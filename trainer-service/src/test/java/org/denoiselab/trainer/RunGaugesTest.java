package org.denoiselab.trainer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.denoiselab.experiment.Experiments;
import org.denoiselab.pipeline.events.RunStatus;
import org.denoiselab.science.spec.RunSpec;
import org.junit.jupiter.api.Test;

/** The training gauges carry the run id while the run is in hand, and are gone once it ends. */
class RunGaugesTest {
    private static final RunSpec SPEC = Experiments.accept(
                    "{\"experimentId\": \"exp-g\", \"preset\": \"quick\"}".getBytes(), location -> true)
            .runs()
            .get(0);

    @Test
    void gaugesAreTaggedWithTheRunAndRemovedWhenItEnds() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (RunGauges gauges = new RunGauges(registry, SPEC.runId())) {
            gauges.observe(RunStatus.running(SPEC, 1, 40, 80, 0.25, 120.0, 30.0));
            assertEquals(0.25, gauge(registry, "trainer.run.loss").value());
            assertEquals(120.0, gauge(registry, "trainer.run.images.per.second").value());
            assertEquals(1.0, gauge(registry, "trainer.run.epoch").value());
            // a status without numbers (QUEUED at a resume) keeps the last known ones
            gauges.observe(RunStatus.queued(SPEC, 80));
            assertEquals(0.25, gauge(registry, "trainer.run.loss").value());
        }
        assertTrue(registry.find("trainer.run.loss").gauges().isEmpty(), "no series left once the run ended");
        assertTrue(registry.getMeters().isEmpty(), registry.getMetersAsString());
        // the next run on this replica gets its own series
        try (RunGauges next = new RunGauges(registry, "other-run")) {
            assertEquals(
                    "other-run",
                    registry.get("trainer.run.epoch").gauge().getId().getTag("run"));
            assertEquals(3, registry.getMeters().size());
        }
    }

    @Test
    void anFp16RunAlsoExportsItsLossScaleAndSkippedSteps() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (RunGauges gauges = new RunGauges(registry, SPEC.runId(), true)) {
            assertTrue(Double.isNaN(gauge(registry, "trainer.run.loss.scale").value()), "unknown before a report");
            gauges.observe(RunStatus.running(SPEC, 1, 40, 80, 0.25, 120.0, 30.0).withLossScale(32768, 3));
            assertEquals(32768.0, gauge(registry, "trainer.run.loss.scale").value());
            assertEquals(3.0, gauge(registry, "trainer.run.skipped.steps").value());
            assertEquals(5, registry.getMeters().size());
        }
        assertTrue(registry.getMeters().isEmpty(), registry.getMetersAsString());
        try (RunGauges fp32 = new RunGauges(registry, "fp32-run")) {
            assertTrue(registry.find("trainer.run.loss.scale").gauges().isEmpty(), "FP32 runs have no scale");
        }
    }

    private static Gauge gauge(SimpleMeterRegistry registry, String name) {
        return registry.get(name).tag("run", SPEC.runId()).gauge();
    }
}
