package org.denoiselab.pipeline.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Requests may name local files under the roots only, and a refusal never tells whether a path exists. */
class DataRootsTest {
    @TempDir
    Path dir;

    @Test
    void pathsUnderTheRootsAreAllowedAndEverythingElseIsRefusedAlike() throws Exception {
        Path root = Files.createDirectories(dir.resolve("datasets"));
        Path cifar = Files.createDirectories(root.resolve("cifar-10-batches-bin"));
        Path stats = Files.writeString(root.resolve("ref.npz"), "npz");
        Path secret = Files.writeString(dir.resolve("secret.txt"), "secret");
        DataRoots roots = DataRoots.of(List.of(root.toString()), "DENOISE_DATA_ROOTS");

        assertEquals(Optional.empty(), roots.refuseLocal(cifar.toString(), false));
        assertEquals(Optional.empty(), roots.refuseLocal(stats.toString(), true));
        assertEquals(
                Optional.of("no dataset at '" + root.resolve("missing") + "'"),
                roots.refuseLocal(root.resolve("missing").toString(), false));
        assertEquals(Optional.of("no file at '" + cifar + "'"), roots.refuseLocal(cifar.toString(), true));

        // outside: the same answer for a file that exists and one that does not
        String exists = roots.refuseLocal(secret.toString(), false).orElseThrow();
        String missing =
                roots.refuseLocal(dir.resolve("nothing-here").toString(), false).orElseThrow();
        assertTrue(exists.contains("outside the allowed data roots (" + root + ")"), exists);
        assertEquals(
                exists.replace(secret.toString(), "X"),
                missing.replace(dir.resolve("nothing-here").toString(), "X"));
        // ".." is resolved before judging
        String escape = root + "/../secret.txt";
        assertEquals(
                Optional.of("'" + escape + "' is outside the allowed data roots (" + root + ")"),
                roots.refuseLocal(escape, true));
        // a link under a root that points outside is outside
        Path link = Files.createSymbolicLink(root.resolve("link"), secret);
        assertTrue(roots.refuseLocal(link.toString(), true).orElseThrow().contains("outside the allowed data roots"));
        // a root given through a link still holds its own files
        Path rootLink = Files.createSymbolicLink(dir.resolve("datasets-link"), root);
        DataRoots viaLink = DataRoots.of(List.of(rootLink.toString()), "DENOISE_DATA_ROOTS");
        assertEquals(
                Optional.empty(),
                viaLink.refuseLocal(rootLink.resolve("ref.npz").toString(), true));
    }

    @Test
    void requestFieldsAreJudgedByWhatTheyMayName() {
        DataRoots roots = DataRoots.of(List.of("/usr/share/datasets"), "DENOISE_DATA_ROOTS");
        // a dataset is a local path: an object key or a relative path is refused (the store is never asked)
        assertEquals(
                Optional.of(
                        "'cifar' is not an absolute path: datasets are read from folders under /usr/share/datasets"),
                roots.refuse("dataset.location", "cifar", null));
        assertTrue(roots.refuse("dataset.location", "/etc", null).orElseThrow().contains("outside"));
        // reference statistics: a path under the roots or a key under stats/
        for (String bad : List.of("runs/r/checkpoints/epoch-0001.safetensors", "stats/../runs/x", "stats//x", "../x")) {
            assertEquals(
                    Optional.of(
                            "'" + bad + "' is neither a path under /usr/share/datasets nor an object key under stats/"),
                    roots.refuse("evaluation.referenceStats", bad, null),
                    bad);
        }
        assertTrue(roots.refuse("evaluation.referenceStats", "/etc/passwd", null)
                .orElseThrow()
                .contains("outside"));
    }

    @Test
    void aRootThatIsNotAnAbsolutePathIsRefusedNamingTheSetting() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> DataRoots.of(List.of("/data", "datasets"), "DENOISE_DATA_ROOTS"));
        assertEquals("DENOISE_DATA_ROOTS: 'datasets' is not an absolute path", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> DataRoots.of(List.of(" "), "DENOISE_DATA_ROOTS"));
    }
}
