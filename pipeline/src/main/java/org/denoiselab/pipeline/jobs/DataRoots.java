package org.denoiselab.pipeline.jobs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.denoiselab.pipeline.store.ObjectStore;

/**
 * The folders under which a request may name local files: {@code dataset.location} (a dataset folder or file)
 * and {@code evaluation.referenceStats} (a .npz file; or an object key under {@code stats/} in the store).
 * Anything else is refused with a reason, before the file system is asked anything about it, so no answer
 * tells whether an arbitrary path exists. A path is judged after ".." is resolved and, once it exists, after
 * symbolic links are: a link under a root that points outside is outside.
 *
 * <p>Services: {@code denoise.data.roots} (DENOISE_DATA_ROOTS), by default {@code /usr/share/datasets}
 * (Debian's dataset packages; the cluster's datasets volume).
 *
 * @param roots absolute, normalised folders
 */
public record DataRoots(List<Path> roots) {
    /** reference statistics kept in the store: keys under this prefix (what the eval service may read) */
    public static final String STATS_PREFIX = "stats/";

    private static final Pattern STATS_KEY =
            Pattern.compile("stats/[A-Za-z0-9][A-Za-z0-9._-]*(/[A-Za-z0-9][A-Za-z0-9._-]*)*");

    public DataRoots {
        roots = List.copyOf(roots);
    }

    /**
     * @param configured the setting's values, e.g. ["/usr/share/datasets", "/data"]
     * @param setting    its name for messages, e.g. "DENOISE_DATA_ROOTS (denoise.data.roots)"
     * @throws IllegalArgumentException naming the setting when a value is not an absolute path, or none is given
     */
    public static DataRoots of(List<String> configured, String setting) {
        List<Path> roots = new ArrayList<>();
        for (String c : configured) {
            String v = c.trim();
            if (v.isEmpty()) {
                continue;
            }
            Path p;
            try {
                p = Path.of(v);
            } catch (InvalidPathException e) {
                throw new IllegalArgumentException(setting + ": '" + v + "' is not a path");
            }
            if (!p.isAbsolute()) {
                throw new IllegalArgumentException(setting + ": '" + v + "' is not an absolute path");
            }
            roots.add(p.normalize());
        }
        if (roots.isEmpty()) {
            throw new IllegalArgumentException(setting + ": no folder given");
        }
        return new DataRoots(roots);
    }

    /** the roots as the messages print them: "/usr/share/datasets, /data" */
    public String describe() {
        return roots.stream().map(Path::toString).collect(Collectors.joining(", "));
    }

    /**
     * What the services' request check asks (experiment's Locations): a dataset must be a path under a root; a
     * reference statistics file a path under a root or a key under {@value #STATS_PREFIX} present in the store.
     *
     * @param field    "dataset.location" or "evaluation.referenceStats"
     * @param store    where keys are looked up (by listing, which every service's store user may do), asked once:
     *                 the caller answers a request now
     * @return empty when allowed, else the reason
     * @throws org.denoiselab.pipeline.store.ObjectStoreException when a key must be looked up and the store does
     *     not answer (a request that cannot be checked now, not a missing file)
     */
    public Optional<String> refuse(String field, String location, ObjectStore store) {
        boolean stats = field.equals("evaluation.referenceStats");
        if (location.startsWith("/")) {
            return refuseLocal(location, stats);
        }
        if (!stats) {
            return Optional.of(
                    "'" + location + "' is not an absolute path: datasets are read from folders under " + describe());
        }
        if (!STATS_KEY.matcher(location).matches() || location.contains("..")) {
            return Optional.of("'" + location + "' is neither a path under " + describe() + " nor an object key under "
                    + STATS_PREFIX);
        }
        if (!store.listNow(location).contains(location)) {
            return Optional.of("no object '" + location + "' in bucket '" + store.bucket() + "'");
        }
        return Optional.empty();
    }

    /**
     * A local path named by a request.
     *
     * @param file true for a file (reference statistics), false for a dataset (folder or file)
     * @return empty when it is under a root and exists, else the reason: outside the roots (said without looking
     *     at the file system), or missing
     */
    public Optional<String> refuseLocal(String location, boolean file) {
        Path p;
        try {
            p = Path.of(location);
        } catch (InvalidPathException e) {
            return Optional.of("'" + location + "' is not a path");
        }
        if (!p.isAbsolute() || !under(p.normalize(), roots)) {
            return outside(location);
        }
        Path real;
        try {
            real = p.toRealPath();
        } catch (IOException e) {
            return Optional.of((file ? "no file at '" : "no dataset at '") + location + "'");
        }
        List<Path> realRoots = new ArrayList<>();
        for (Path r : roots) {
            try {
                realRoots.add(r.toRealPath());
            } catch (IOException e) {
                // a root that does not exist holds nothing
            }
        }
        if (!under(real, realRoots)) {
            return outside(location);
        }
        if (file && !Files.isRegularFile(real)) {
            return Optional.of("no file at '" + location + "'");
        }
        return Optional.empty();
    }

    private Optional<String> outside(String location) {
        return Optional.of("'" + location + "' is outside the allowed data roots (" + describe() + ")");
    }

    private static boolean under(Path p, List<Path> roots) {
        return roots.stream().anyMatch(p::startsWith);
    }
}
