package org.denoiselab.experiment.json;

/**
 * A message (request or event) that could not be read: names the field path (e.g. "sampling.steps",
 * "model.patch[1]", "$" for the document itself) and what was wrong. The message is what a dead
 * letter records as its reason.
 */
public class MessageException extends IllegalArgumentException {
    private final String field;
    private final String reason;

    public MessageException(String field, String reason) {
        this(field, reason, null);
    }

    public MessageException(String field, String reason, Throwable cause) {
        super(field + ": " + reason, cause);
        this.field = field;
        this.reason = reason;
    }

    public String field() {
        return field;
    }

    public String reason() {
        return reason;
    }
}
