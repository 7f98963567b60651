package org.denoiselab.experiment;

/** One thing wrong with an experiment request: the field path (e.g. "model.patch[1]") and why. */
public record Violation(String field, String reason) {
    @Override
    public String toString() {
        return field + ": " + reason;
    }
}
