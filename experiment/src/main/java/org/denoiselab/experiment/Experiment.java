package org.denoiselab.experiment;

import java.util.List;
import org.denoiselab.science.spec.RunSpec;

/**
 * An accepted experiment: the resolved request (preset applied, id assigned) and its runs in sweep
 * order. The request is what the trainer keeps for GET /experiments; the runs go to the runs topic.
 *
 * @param warnings what is allowed but probably not meant (see {@link RequestValidator#warnings}), each naming its
 *     field; empty when none
 */
public record Experiment(String experimentId, ExperimentRequest request, List<RunSpec> runs, List<Violation> warnings) {
    public Experiment {
        warnings = List.copyOf(warnings);
    }

    /** an experiment without warnings */
    public Experiment(String experimentId, ExperimentRequest request, List<RunSpec> runs) {
        this(experimentId, request, runs, List.of());
    }
}
