package org.denoiselab.experiment;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * The intake every service uses for a request: parse strictly, apply the preset, validate
 * (including that the dataset exists), assign the experiment id, expand the sweep. Any failure is a
 * {@link org.denoiselab.experiment.json.MessageException} whose message names the field(s); that message
 * is the dead-letter reason.
 */
public final class Experiments {
    /**
     * The largest request accepted, in bytes: 256 KiB (a request is a few hundred bytes; a sweep of long lists a
     * few KiB). The same limit everywhere a request comes in: trainer-service's HTTP body limit
     * ({@code quarkus.http.limits.max-body-size=256K}, answered 413 above it), the experiments topic's
     * {@code max.message.bytes} ({@code Topics.EXPERIMENTS_MAX_MESSAGE_BYTES}, this plus room for the key and the
     * record batch), and this check, which refuses a larger record that reached the topic anyway (a topic
     * created with other settings) with a dead letter. Tests check that the three agree.
     */
    public static final int MAX_REQUEST_BYTES = 256 * 1024;

    private Experiments() {}

    /**
     * @param json          the request bytes as received
     * @param datasetExists true when a dataset location (local path or object key) is present
     */
    public static Experiment accept(byte[] json, Predicate<String> datasetExists) {
        return accept(json, Locations.datasetsThat(datasetExists));
    }

    /**
     * @param json      the request bytes as received
     * @param locations what dataset.location and evaluation.referenceStats may name (a refusal is a violation of
     *                  that field)
     */
    public static Experiment accept(byte[] json, Locations locations) {
        if (json != null && json.length > MAX_REQUEST_BYTES) {
            throw new org.denoiselab.experiment.json.MessageException(
                    "$",
                    "request of " + json.length + " bytes is larger than the limit of " + MAX_REQUEST_BYTES
                            + " bytes (Experiments.MAX_REQUEST_BYTES)");
        }
        ExperimentRequest parsed = ExperimentRequest.parse(json);
        ExperimentRequest resolved = Presets.resolve(parsed);
        RequestValidator validator = new RequestValidator(locations);
        List<Violation> violations = new ArrayList<>(validator.validate(resolved));
        if (!violations.isEmpty()) {
            throw new InvalidRequestException(violations);
        }
        // an id-less request read twice (Kafka redelivery) gets the same id, so its runs are not doubled
        String id = resolved.experimentId() != null ? resolved.experimentId() : ExperimentIds.fromContent(json);
        ExperimentRequest named = resolved.withExperimentId(id);
        return new Experiment(id, named, Sweep.expand(named), validator.warnings(resolved));
    }
}
