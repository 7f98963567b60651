package org.denoiselab.trainer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import org.denoiselab.experiment.Experiment;
import org.denoiselab.experiment.ExperimentIds;
import org.denoiselab.experiment.Experiments;
import org.denoiselab.experiment.json.Json;
import org.denoiselab.experiment.json.MessageException;
import org.denoiselab.pipeline.events.RunEvent;
import org.denoiselab.pipeline.events.RunStatus;
import org.denoiselab.pipeline.jobs.DataRoots;
import org.denoiselab.pipeline.kafka.Topics;
import org.denoiselab.pipeline.store.ObjectStore;
import org.denoiselab.pipeline.store.ObjectStoreException;
import org.denoiselab.science.spec.RunSpec;
import org.denoiselab.service.DataRootsSetting;
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

    @Inject
    DataRootsSetting dataRoots;

    /** A request accepted over HTTP: the bytes published (with the id filled in) and the experiment. */
    public record Submitted(byte[] request, Experiment experiment) {}

    /**
     * Checks a request; a MessageException names what is wrong. dataset.location must be a path under the data
     * roots, evaluation.referenceStats such a path or a key under stats/ in the store ({@link DataRoots}); a
     * path outside the roots is refused without looking at it, so no answer tells whether it exists.
     *
     * @throws StoreUnavailableException when a key must be looked up and the store does not answer (asked once:
     *     HTTP 503 with Retry-After; on the topic the record is retried, then dead-lettered with that reason),
     *     rather than calling the file missing
     */
    public Experiment accept(byte[] request) {
        DataRoots roots = dataRoots.roots();
        try {
            return Experiments.accept(request, (field, location) -> roots.refuse(field, location, pipeline.store()));
        } catch (ObjectStoreException e) {
            if (e.getCause() == null || !ObjectStore.isTransient(e.getCause())) {
                throw e;
            }
            throw new StoreUnavailableException(
                    "cannot check evaluation.referenceStats: the object store does not answer (" + e.getMessage()
                            + "); try again",
                    e);
        }
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

    /** The object store did not answer a check the request needs; nothing was published. */
    public static final class StoreUnavailableException extends RuntimeException {
        StoreUnavailableException(String message, Throwable cause) {
            super(message, cause);
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
