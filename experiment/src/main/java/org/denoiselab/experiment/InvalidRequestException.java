package org.denoiselab.experiment;

import java.util.List;
import java.util.stream.Collectors;
import org.denoiselab.experiment.json.MessageException;

/**
 * An experiment request that parsed but cannot run. The message lists every violation
 * ("model.patch[1]: 5 does not divide the image side 28; train.epochs: ..."), ready to be a
 * dead-letter reason or an HTTP 400 body.
 */
public class InvalidRequestException extends MessageException {
    private final List<Violation> violations;

    public InvalidRequestException(List<Violation> violations) {
        // field() is the first offending field, reason() and the message list all of them
        super(violations.isEmpty() ? "$" : violations.get(0).field(), join(violations));
        this.violations = List.copyOf(violations);
    }

    public List<Violation> violations() {
        return violations;
    }

    @Override
    public String getMessage() {
        return reason();
    }

    private static String join(List<Violation> violations) {
        if (violations.isEmpty()) {
            throw new IllegalArgumentException("an invalid request needs at least one violation");
        }
        return violations.stream().map(Violation::toString).collect(Collectors.joining("; "));
    }
}
