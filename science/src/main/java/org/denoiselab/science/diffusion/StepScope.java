package org.denoiselab.science.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.List;
import java.util.function.UnaryOperator;
import org.denoiselab.science.tensor.Scoped;

/**
 * Runs one sampler step in its own sub-manager so that everything the step creates (times, network
 * output, velocities, noise) is closed when it ends; only the new state survives, in the caller's manager.
 * This keeps memory flat over hundreds of steps.
 */
final class StepScope {
    private StepScope() {}

    /**
     * @param owner    the caller's manager, which receives the result
     * @param z        the current state; inside the step, {@code z.getManager()} is the step's manager
     * @param callerZ  true when z belongs to the caller (the initial noise): it is lent and returned
     *                 untouched; false when z is a previous step's result: it is closed with the step
     */
    static NDArray run(NDManager owner, NDArray z, boolean callerZ, UnaryOperator<NDArray> step) {
        return Scoped.run(
                owner, callerZ ? List.of(z) : List.of(), callerZ ? List.of() : List.of(z), () -> step.apply(z));
    }
}
