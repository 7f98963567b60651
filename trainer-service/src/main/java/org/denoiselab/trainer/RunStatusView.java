package org.denoiselab.trainer;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.denoiselab.pipeline.events.RunStatus;

/** The latest status of every run, built from the compacted run-status topic (GET /runs). */
@ApplicationScoped
public class RunStatusView {
    private final ConcurrentMap<String, RunStatus> latest = new ConcurrentHashMap<>();

    /** Applies one record of run-status; a tombstone forgets the run. */
    public void apply(ConsumerRecord<String, byte[]> record) {
        if (record.value() == null) {
            if (record.key() != null) latest.remove(record.key());
            return;
        }
        RunStatus status = RunStatus.decode(record.value());
        latest.put(status.runId(), status);
    }

    public Optional<RunStatus> get(String runId) {
        return Optional.ofNullable(latest.get(runId));
    }

    /** By experiment, then run id. */
    public List<RunStatus> all() {
        return latest.values().stream()
                .sorted(Comparator.comparing(RunStatus::experimentId).thenComparing(RunStatus::runId))
                .toList();
    }
}
