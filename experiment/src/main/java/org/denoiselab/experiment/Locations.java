package org.denoiselab.experiment;

import java.util.Optional;

/**
 * Decides whether a request may name a location: {@code dataset.location} (a dataset folder or file) and
 * {@code evaluation.referenceStats} (reference statistics, a file or an object key). The services allow only
 * paths under configured roots and keys of the store (pipeline's DataRoots); the CLI, on the user's own
 * machine, only asks whether a dataset exists ({@link #datasetsThat}).
 */
@FunctionalInterface
public interface Locations {
    /**
     * @param field    "dataset.location" or "evaluation.referenceStats"
     * @param location the value as requested (not blank)
     * @return empty when the request may use it, else why not (the reason only; the caller names the field)
     */
    Optional<String> refuse(String field, String location);

    /** dataset.location must satisfy {@code exists} ("no dataset at ..." otherwise); anything else is allowed */
    static Locations datasetsThat(java.util.function.Predicate<String> exists) {
        return (field, location) -> field.equals("dataset.location") && !exists.test(location)
                ? Optional.of("no dataset at '" + location + "'")
                : Optional.empty();
    }
}
