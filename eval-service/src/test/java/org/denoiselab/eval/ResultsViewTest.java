package org.denoiselab.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.denoiselab.pipeline.events.EvaluationEvent;
import org.denoiselab.pipeline.events.PipelineMessage;
import org.junit.jupiter.api.Test;

/** eval.score gauges exist for the most recently evaluated runs only; the results keep every run. */
class ResultsViewTest {
    private static EvaluationEvent evaluation(String run, int epoch, long second, double fd) {
        return new EvaluationEvent(
                PipelineMessage.SCHEMA_VERSION,
                run,
                "exp-bound",
                epoch,
                "classifier",
                "fd_classifier",
                fd,
                "is_classifier",
                2.0,
                0.1,
                64,
                0.3,
                "runs/" + run + "/samples/epoch-0001.npy",
                null,
                Instant.ofEpochSecond(1_700_000_000L + second).toString(),
                null,
                null,
                null,
                null);
    }

    private static Set<String> gaugedRuns(SimpleMeterRegistry registry) {
        Set<String> runs = new TreeSet<>();
        registry.find("eval.score").gauges().forEach(g -> runs.add(g.getId().getTag("run")));
        return runs;
    }

    @Test
    void onlyTheMostRecentlyEvaluatedRunsKeepGauges() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        ResultsView view = new ResultsView(registry, 3);
        for (int i = 1; i <= 5; i++) {
            view.add(evaluation("run-" + i, 1, i, 10.0 * i));
        }
        assertEquals(Set.of("run-3", "run-4", "run-5"), gaugedRuns(registry));
        assertEquals(6, registry.find("eval.score").gauges().size(), "fd and is for each kept run");
        assertEquals(
                50.0,
                registry.get("eval.score")
                        .tags("run", "run-5", "metric", "fd_classifier")
                        .gauge()
                        .value());
        // run-1 is evaluated again (a later epoch): it is recent again and the oldest kept run gives way
        view.add(evaluation("run-1", 2, 10, 7.5));
        assertEquals(Set.of("run-1", "run-4", "run-5"), gaugedRuns(registry));
        assertEquals(
                7.5,
                registry.get("eval.score")
                        .tags("run", "run-1", "metric", "fd_classifier")
                        .gauge()
                        .value());
        assertEquals(List.of("run-4", "run-5", "run-1"), view.gaugedRuns());
        // an old evaluation read late (another partition) takes no gauge from a newer run
        view.add(evaluation("run-0", 1, 0, 1.0));
        assertEquals(Set.of("run-1", "run-4", "run-5"), gaugedRuns(registry));
        // the results page and JSON keep every run
        assertEquals(6, view.experiment("exp-bound").orElseThrow().size());
        assertTrue(view.experiment("exp-bound").orElseThrow().get("run-1").containsKey(2));
    }
}
