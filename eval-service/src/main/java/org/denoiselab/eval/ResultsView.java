package org.denoiselab.eval;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ConcurrentSkipListMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.denoiselab.pipeline.events.EvaluationEvent;

/**
 * Every evaluation, by experiment, run and epoch (the latest event wins for an epoch), built from the
 * evaluations topic. Also the fd/is gauges of each run's latest epoch (tags run, metric).
 */
@ApplicationScoped
public class ResultsView {
    @Inject
    MeterRegistry registry;

    /** experiment id -> run id -> epoch -> evaluation */
    private final ConcurrentMap<String, ConcurrentMap<String, NavigableMap<Integer, EvaluationEvent>>> byExperiment =
            new ConcurrentHashMap<>();

    private final ConcurrentMap<String, NavigableMap<Integer, EvaluationEvent>> byRun = new ConcurrentHashMap<>();

    public void apply(ConsumerRecord<String, byte[]> record) {
        add(EvaluationEvent.decode(record.value()));
    }

    void add(EvaluationEvent e) {
        NavigableMap<Integer, EvaluationEvent> epochs = byRun.computeIfAbsent(e.runId(), run -> {
            NavigableMap<Integer, EvaluationEvent> m = new ConcurrentSkipListMap<>();
            registerGauges(run, m, e);
            return m;
        });
        epochs.put(e.epoch(), e);
        byExperiment
                .computeIfAbsent(e.experimentId(), id -> new ConcurrentHashMap<>())
                .put(e.runId(), epochs);
    }

    /** run id -> epoch -> evaluation, runs sorted by id; empty when the experiment has no result yet */
    public Optional<Map<String, NavigableMap<Integer, EvaluationEvent>>> experiment(String experimentId) {
        Map<String, NavigableMap<Integer, EvaluationEvent>> runs = byExperiment.get(experimentId);
        return runs == null ? Optional.empty() : Optional.of(new java.util.TreeMap<>(runs));
    }

    private void registerGauges(String runId, NavigableMap<Integer, EvaluationEvent> epochs, EvaluationEvent first) {
        // the metric tag is the extractor-qualified name (fd_classifier, fid_inception, is_classifier, ...)
        for (boolean fd : List.of(true, false)) {
            Gauge.builder("eval.score", epochs, m -> latestScore(m, fd))
                    .description("latest FD or IS (mean) of a run")
                    .tag("run", runId)
                    .tag("metric", fd ? first.fdMetric() : first.isMetric())
                    .register(registry);
        }
    }

    private static double latestScore(NavigableMap<Integer, EvaluationEvent> epochs, boolean fd) {
        Map.Entry<Integer, EvaluationEvent> last = epochs.lastEntry();
        if (last == null) return Double.NaN;
        Double v = fd ? last.getValue().fd() : last.getValue().isMean();
        return v == null ? Double.NaN : v;
    }
}
