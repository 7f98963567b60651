package org.denoiselab.eval;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ConcurrentSkipListMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.denoiselab.pipeline.events.EvaluationEvent;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Every evaluation, by experiment, run and epoch (the latest event wins for an epoch), built from the whole
 * evaluations topic (kept forever) on every start. Also the gauges eval.score{run, metric} (FD and IS mean of
 * a run's latest epoch), bounded: only the {@code denoise.eval.score-gauges-max-runs} most recently evaluated
 * runs (by the events' createdAt) keep them; the view itself keeps every run. Every eval replica reads the
 * same topic and so exports the same series with the same tags; dashboards deduplicate with max by (run,
 * metric).
 */
@ApplicationScoped
public class ResultsView {
    @Inject
    MeterRegistry registry;

    /** runs whose FD/IS gauges are exported at once, 1..100000 (DENOISE_EVAL_SCORE_GAUGES_MAX_RUNS) */
    @ConfigProperty(name = "denoise.eval.score-gauges-max-runs", defaultValue = "200")
    int maxGaugedRuns;

    /** experiment id -> run id -> epoch -> evaluation */
    private final ConcurrentMap<String, ConcurrentMap<String, NavigableMap<Integer, EvaluationEvent>>> byExperiment =
            new ConcurrentHashMap<>();

    private final ConcurrentMap<String, NavigableMap<Integer, EvaluationEvent>> byRun = new ConcurrentHashMap<>();

    /** a run with gauges: when it was last evaluated, and its two gauges */
    private record Gauged(String runId, Instant lastEvaluated, List<Gauge> gauges) {}

    private static final Comparator<Gauged> OLDEST_FIRST =
            Comparator.comparing(Gauged::lastEvaluated).thenComparing(Gauged::runId);

    // guarded by this
    private final Map<String, Gauged> gauged = new HashMap<>();
    private final TreeSet<Gauged> byAge = new TreeSet<>(OLDEST_FIRST);

    public ResultsView() {}

    /** for tests without CDI */
    ResultsView(MeterRegistry registry, int maxGaugedRuns) {
        this.registry = registry;
        this.maxGaugedRuns = maxGaugedRuns;
    }

    /** @throws IllegalStateException naming the setting when the bound is out of range */
    void checkSettings() {
        if (maxGaugedRuns < 1 || maxGaugedRuns > 100_000) {
            throw new IllegalStateException("DENOISE_EVAL_SCORE_GAUGES_MAX_RUNS (denoise.eval.score-gauges-max-runs): "
                    + maxGaugedRuns + " is out of range, expected 1..100000");
        }
    }

    public void apply(ConsumerRecord<String, byte[]> record) {
        add(EvaluationEvent.decode(record.value()));
    }

    void add(EvaluationEvent e) {
        NavigableMap<Integer, EvaluationEvent> epochs =
                byRun.computeIfAbsent(e.runId(), run -> new ConcurrentSkipListMap<>());
        epochs.put(e.epoch(), e);
        byExperiment
                .computeIfAbsent(e.experimentId(), id -> new ConcurrentHashMap<>())
                .put(e.runId(), epochs);
        gauge(e, epochs);
    }

    /** run id -> epoch -> evaluation, runs sorted by id; empty when the experiment has no result yet */
    public Optional<Map<String, NavigableMap<Integer, EvaluationEvent>>> experiment(String experimentId) {
        Map<String, NavigableMap<Integer, EvaluationEvent>> runs = byExperiment.get(experimentId);
        return runs == null ? Optional.empty() : Optional.of(new java.util.TreeMap<>(runs));
    }

    /** every experiment id with a result */
    public java.util.Set<String> experimentIds() {
        return java.util.Set.copyOf(byExperiment.keySet());
    }

    /** run ids that currently export eval.score gauges, oldest evaluation first */
    synchronized List<String> gaugedRuns() {
        return byAge.stream().map(Gauged::runId).toList();
    }

    /**
     * Keeps the run's gauges (registering them on its first evaluation) and drops those of the least recently
     * evaluated run beyond the bound. A run evaluated earlier than every kept run while the bound is full
     * (reading an old part of the topic) gets none.
     */
    private synchronized void gauge(EvaluationEvent e, NavigableMap<Integer, EvaluationEvent> epochs) {
        Instant at = instant(e.createdAt());
        Gauged current = gauged.get(e.runId());
        if (current != null) {
            if (at.isAfter(current.lastEvaluated())) {
                byAge.remove(current);
                Gauged moved = new Gauged(e.runId(), at, current.gauges());
                byAge.add(moved);
                gauged.put(e.runId(), moved);
            }
            return;
        }
        if (gauged.size() >= maxGaugedRuns && !at.isAfter(byAge.first().lastEvaluated())) {
            return;
        }
        Gauged added = new Gauged(e.runId(), at, register(e, epochs));
        gauged.put(e.runId(), added);
        byAge.add(added);
        while (gauged.size() > maxGaugedRuns) {
            Gauged oldest = byAge.pollFirst();
            gauged.remove(oldest.runId());
            oldest.gauges().forEach(registry::remove);
        }
    }

    private List<Gauge> register(EvaluationEvent first, NavigableMap<Integer, EvaluationEvent> epochs) {
        // the metric tag is the extractor-qualified name (fd_classifier, fid_inception, is_classifier, ...)
        return List.of(
                Gauge.builder("eval.score", epochs, m -> latestScore(m, true))
                        .description("latest FD or IS (mean) of a run")
                        .tag("run", first.runId())
                        .tag("metric", first.fdMetric())
                        .register(registry),
                Gauge.builder("eval.score", epochs, m -> latestScore(m, false))
                        .description("latest FD or IS (mean) of a run")
                        .tag("run", first.runId())
                        .tag("metric", first.isMetric())
                        .register(registry));
    }

    private static Instant instant(String createdAt) {
        try {
            return createdAt == null ? Instant.EPOCH : Instant.parse(createdAt);
        } catch (DateTimeParseException e) {
            return Instant.EPOCH;
        }
    }

    private static double latestScore(NavigableMap<Integer, EvaluationEvent> epochs, boolean fd) {
        Map.Entry<Integer, EvaluationEvent> last = epochs.lastEntry();
        if (last == null) return Double.NaN;
        Double v = fd ? last.getValue().fd() : last.getValue().isMean();
        return v == null ? Double.NaN : v;
    }
}
