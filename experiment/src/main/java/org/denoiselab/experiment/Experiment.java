package org.denoiselab.experiment;

import java.util.List;
import org.denoiselab.science.spec.RunSpec;

/**
 * An accepted experiment: the resolved request (preset applied, id assigned) and its runs in sweep
 * order. The request is what the trainer keeps for GET /experiments; the runs go to the runs topic.
 */
public record Experiment(String experimentId, ExperimentRequest request, List<RunSpec> runs) {}
