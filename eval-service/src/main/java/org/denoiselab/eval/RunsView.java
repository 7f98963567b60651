package org.denoiselab.eval;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.Comparator;
import java.util.List;
import java.util.NavigableMap;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ConcurrentSkipListMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.denoiselab.pipeline.events.CheckpointEvent;
import org.denoiselab.pipeline.events.RunEvent;
import org.denoiselab.pipeline.events.RunStatus;
import org.denoiselab.science.spec.RunSpec;

/**
 * What the results page knows of each run besides its scores, built like the trainer's view from whole
 * topics by group-less readers (every eval replica the same): the runs topic (the sweep's runs with their
 * specs, known as soon as an experiment is accepted), run-status (queued, running with progress, completed,
 * failed with the reason; compacted: the latest per run) and checkpoints (the training loss of every stored
 * epoch).
 */
@ApplicationScoped
public class RunsView {
    /** one run as far as it is known; fields are replaced whole, so a reader sees a consistent value each */
    public static final class Run {
        private final String runId;
        private volatile String experimentId;
        private volatile RunEvent event;
        private volatile RunStatus status;
        private final NavigableMap<Integer, CheckpointEvent> checkpoints = new ConcurrentSkipListMap<>();

        Run(String runId) {
            this.runId = runId;
        }

        public String runId() {
            return runId;
        }

        public String experimentId() {
            return experimentId;
        }

        /** the RunEvent that queued it (null once the runs topic's retention dropped it) */
        public RunEvent event() {
            return event;
        }

        /** the latest status (null before the first one) */
        public RunStatus status() {
            return status;
        }

        /** epoch -> the checkpoint stored for it (loss of the epoch) */
        public NavigableMap<Integer, CheckpointEvent> checkpoints() {
            return checkpoints;
        }

        /** the run's spec, from its RunEvent or any checkpoint; null when neither is known */
        public RunSpec spec() {
            RunEvent e = event;
            if (e != null) {
                return e.spec();
            }
            var last = checkpoints.lastEntry();
            return last == null ? null : last.getValue().spec();
        }
    }

    private final ConcurrentMap<String, Run> runs = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, Set<String>> byExperiment = new ConcurrentHashMap<>();

    private Run run(String runId, String experimentId) {
        Run r = runs.computeIfAbsent(runId, Run::new);
        if (experimentId != null && r.experimentId == null) {
            r.experimentId = experimentId;
            byExperiment
                    .computeIfAbsent(experimentId, x -> ConcurrentHashMap.newKeySet())
                    .add(runId);
        }
        return r;
    }

    /** a record of the runs topic */
    public void applyRun(ConsumerRecord<String, byte[]> record) {
        RunEvent e = RunEvent.decode(record.value());
        run(e.runId(), e.experimentId()).event = e;
    }

    /** a record of the run-status topic; a tombstone forgets the status */
    public void applyStatus(ConsumerRecord<String, byte[]> record) {
        if (record.value() == null) {
            Run r = record.key() == null ? null : runs.get(record.key());
            if (r != null) {
                r.status = null;
            }
            return;
        }
        RunStatus s = RunStatus.decode(record.value());
        run(s.runId(), s.experimentId()).status = s;
    }

    /** a record of the checkpoints topic (a redelivered one replaces its epoch's) */
    public void applyCheckpoint(ConsumerRecord<String, byte[]> record) {
        CheckpointEvent c = CheckpointEvent.decode(record.value());
        run(c.runId(), c.experimentId()).checkpoints.put(c.epoch(), c);
    }

    /** the experiment's runs, by their position in the sweep, then id */
    public List<Run> experiment(String experimentId) {
        Set<String> ids = byExperiment.getOrDefault(experimentId, Set.of());
        return ids.stream()
                .map(runs::get)
                .sorted(Comparator.comparingInt((Run r) -> r.event == null ? Integer.MAX_VALUE : r.event.index())
                        .thenComparing(Run::runId))
                .toList();
    }

    public Set<String> experimentIds() {
        return Set.copyOf(byExperiment.keySet());
    }
}
