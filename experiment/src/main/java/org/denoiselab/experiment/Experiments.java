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
    private Experiments() {}

    /**
     * @param json          the request bytes as received
     * @param datasetExists true when a dataset location (local path or object key) is present
     */
    public static Experiment accept(byte[] json, Predicate<String> datasetExists) {
        ExperimentRequest parsed = ExperimentRequest.parse(json);
        ExperimentRequest resolved = Presets.resolve(parsed);
        RequestValidator validator = new RequestValidator(datasetExists);
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
