package org.denoiselab.trainer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import org.denoiselab.experiment.Experiment;
import org.denoiselab.experiment.ExperimentIds;
import org.denoiselab.experiment.Experiments;
import org.denoiselab.experiment.json.Json;
import org.denoiselab.experiment.json.MessageException;
import org.denoiselab.pipeline.events.RunEvent;
import org.denoiselab.pipeline.events.RunStatus;
import org.denoiselab.pipeline.kafka.Topics;
import org.denoiselab.pipeline.store.ObjectStore;
import org.denoiselab.pipeline.store.ObjectStoreException;
import org.denoiselab.science.spec.RunSpec;
import org.denoiselab.service.Pipeline;
import org.jboss.logging.Logger;

/**
 * Experiment requests in, runs out. HTTP and the experiments topic go through the same checks
 * ({@link Experiments#accept}); only the topic's consumer publishes runs, so a request posted over
 * HTTP takes the same path as one written to the topic.
 */
@ApplicationScoped
public class ExperimentIntake {
    private static final Logger LOG = Logger.getLogger(ExperimentIntake.class);

    @Inject
    Pipeline pipeline;

    @Inject
    RunStatusView statuses;

    /** A request accepted over HTTP: the bytes published (with the id filled in) and the experiment. */
    public record Submitted(byte[] request, Experiment experiment) {}

    /** Checks a request; a MessageException names what is wrong. */
    public Experiment accept(byte[] request) {
        return Experiments.accept(request, this::datasetExists);
    }

    /**
     * POST /experiments: gives an id-less request a fresh id, checks it and publishes it to the
     * experiments topic (key = experiment id). Nothing is published when it is invalid.
     */
    public Submitted submit(byte[] request) {
        JsonNode tree = Json.decode(request, JsonNode.class);
        if (!(tree instanceof ObjectNode object)) {
            throw new MessageException("$", "expected a JSON object");
        }
        byte[] named = request;
        JsonNode id = object.get("experimentId");
        if (id == null || id.isNull()) {
            object.put("experimentId", ExperimentIds.random());
            named = Json.encode(object);
        }
        Experiment experiment = accept(named);
        pipeline.producer().publish(Topics.EXPERIMENTS, experiment.experimentId(), named);
        return new Submitted(named, experiment);
    }

    /**
     * One RunEvent per run (key = run id) and its QUEUED status. A run the status view already knows
     * (a redelivered request) is not queued again, so its RUNNING or COMPLETED status is not overwritten.
     */
    public void publishRuns(Experiment experiment) {
        experiment.warnings().forEach(w -> LOG.warnf("experiment %s: %s", experiment.experimentId(), w));
        List<RunSpec> runs = experiment.runs();
        for (int i = 0; i < runs.size(); i++) {
            RunSpec spec = runs.get(i);
            if (statuses.get(spec.runId()).isPresent()) {
                LOG.infof("run %s is already known, not queued again", spec.runId());
                continue;
            }
            pipeline.producer().publish(Topics.RUNS, RunEvent.of(spec, i, runs.size()));
            pipeline.producer().publish(Topics.RUN_STATUS, RunStatus.queued(spec, estimatedSteps(spec)));
        }
        LOG.infof("experiment %s: %d runs queued", experiment.experimentId(), runs.size());
    }

    /**
     * A local file or folder, or an object in the store (asked once: an HTTP request must be answered now).
     *
     * @throws StoreUnavailableException when the store does not answer (HTTP 503; on the topic the record is
     *     retried, then dead-lettered with that reason), rather than calling the dataset missing
     */
    boolean datasetExists(String location) {
        try {
            if (Files.exists(Path.of(location))) {
                return true;
            }
        } catch (InvalidPathException e) {
            // not a local path; maybe an object key
        }
        try {
            return pipeline.store().existsNow(location);
        } catch (ObjectStoreException e) {
            if (e.getCause() == null || !ObjectStore.isTransient(e.getCause())) {
                return false; // the store answered: e.g. a key it refuses is no dataset either
            }
            throw new StoreUnavailableException("cannot check dataset.location '" + location
                    + "': the object store does not answer (" + e.getMessage() + "); try again");
        }
    }

    /** The object store did not answer a check the request needs; nothing was published. */
    public static final class StoreUnavailableException extends RuntimeException {
        StoreUnavailableException(String message) {
            super(message);
        }
    }

    /** Steps when the data size is known from the request (limit); 0 = known once training opens the data. */
    static long estimatedSteps(RunSpec spec) {
        int limit = spec.dataset().limit();
        if (limit <= 0) {
            return 0;
        }
        long perEpoch = (limit + spec.train().batchSize() - 1) / spec.train().batchSize();
        return perEpoch * spec.train().epochs();
    }
}
