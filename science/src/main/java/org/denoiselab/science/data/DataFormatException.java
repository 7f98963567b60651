package org.denoiselab.science.data;

import java.io.IOException;
import java.nio.file.Path;

/** A dataset file exists but does not hold what its format promises; the message names the file. */
public class DataFormatException extends IOException {
    private final transient Path file;

    public DataFormatException(Path file, String problem) {
        super(file + ": " + problem);
        this.file = file;
    }

    public DataFormatException(Path file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
        this.file = file;
    }

    /** the offending file */
    public Path file() {
        return file;
    }
}
