package org.denoiselab.science.tensor;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.List;
import java.util.function.Supplier;

/**
 * Runs a piece of tensor work in its own sub-manager and keeps only its result. DJL frees a tensor when
 * its manager closes, and a result lives in the manager of its first operand; without a scope, every
 * intermediate of a sampler step (or of a network block) would live until the caller's manager closes.
 * Inputs are moved in for the duration so that what is derived from them lands in the scope too.
 */
public final class Scoped {
    private Scoped() {}

    /**
     * @param owner    receives the result
     * @param lent     inputs that go back to their own managers, untouched, when the work ends
     * @param consumed inputs that are closed with the work's intermediates (the caller no longer needs
     *                 them)
     * @param work     the work; it must return a new array, not one of its inputs
     * @return work's result, now in {@code owner}
     */
    public static NDArray run(NDManager owner, List<NDArray> lent, List<NDArray> consumed, Supplier<NDArray> work) {
        try (NDManager scope = owner.newSubManager()) {
            for (NDArray a : lent) {
                a.tempAttach(scope);
            }
            for (NDArray a : consumed) {
                a.attach(scope);
            }
            NDArray result = work.get();
            result.attach(owner);
            return result;
        }
    }
}
