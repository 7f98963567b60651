package org.denoiselab.pipeline.jobs;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.denoiselab.pipeline.store.ObjectLayout;
import org.denoiselab.pipeline.store.ObjectStore;
import org.denoiselab.science.data.DatasetKind;
import org.denoiselab.science.spec.RunSpec;
import org.denoiselab.science.train.Checkpoint;

/** What more than one job needs: checkpoint reading through a verified download, the toy test. */
final class JobSupport {
    private JobSupport() {}

    static boolean isToy(RunSpec spec) {
        return spec.dataset().kind() == DatasetKind.TOY;
    }

    /**
     * Downloads a checkpoint to a temporary file (large models exceed an array) and reads it; a wrong
     * checksum is an ObjectStoreException.ChecksumMismatch naming the key, a damaged file an IOException
     * naming it.
     */
    static Checkpoint readCheckpoint(ObjectStore store, String key, String sha256) throws IOException {
        Path tmp = Files.createTempFile("checkpoint-", ObjectLayout.CHECKPOINT_SUFFIX);
        try {
            store.download(key, sha256, tmp);
            try (InputStream in = new BufferedInputStream(Files.newInputStream(tmp))) {
                return Checkpoint.read(in);
            } catch (IOException e) {
                throw new IOException("checkpoint '" + key + "': " + e.getMessage(), e);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Runs {@code body} with a temporary file that is deleted afterwards. */
    static <T> T withTempFile(String suffix, IoFunction<Path, T> body) throws IOException {
        Path tmp = Files.createTempFile("job-", suffix);
        try {
            return body.apply(tmp);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    @FunctionalInterface
    interface IoFunction<A, B> {
        B apply(A a) throws IOException;
    }
}
