package org.denoiselab.pipeline.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the object store does without a server: settings, checksums, error naming. Its round trip
 * against a real S3 server comes with the services' integration tests (infra LocalRuntime).
 */
class ObjectStoreTest {

    @Test
    void badSettingsAreNamed() {
        IllegalArgumentException endpoint = assertThrows(
                IllegalArgumentException.class, () -> new ObjectStore("localhost:9000", "a", "b", "denoise-lab"));
        assertTrue(endpoint.getMessage().contains("endpoint 'localhost:9000'"), endpoint.getMessage());
        IllegalArgumentException bucket = assertThrows(
                IllegalArgumentException.class,
                () -> new ObjectStore("http://localhost:9000", "a", "b", "Denoise_Lab"));
        assertTrue(bucket.getMessage().contains("bucket 'Denoise_Lab'"), bucket.getMessage());
        IllegalArgumentException secret = assertThrows(
                IllegalArgumentException.class,
                () -> new ObjectStore("http://localhost:9000", "a", " ", "denoise-lab"));
        assertTrue(secret.getMessage().contains("secret key"), secret.getMessage());
    }

    @Test
    void sha256MatchesTheKnownVector(@TempDir Path dir) throws Exception {
        byte[] abc = "abc".getBytes(StandardCharsets.US_ASCII);
        String expected = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
        assertEquals(expected, Sha256.hex(abc));
        Path f = Files.write(dir.resolve("abc.bin"), abc);
        assertEquals(expected, Sha256.hex(f));
    }

    @Test
    void mismatchNamesTheKeyAndBothSums() {
        String key = ObjectLayout.checkpoint("exp-1-x-p4", 3);
        String good = Sha256.hex(new byte[] {1, 2, 3});
        ObjectStore.verify(key, good.toUpperCase(), good);
        ObjectStoreException.ChecksumMismatch e = assertThrows(
                ObjectStoreException.ChecksumMismatch.class,
                () -> ObjectStore.verify(key, good, Sha256.hex(new byte[] {1, 2, 4})));
        assertEquals(key, e.key());
        assertTrue(
                e.getMessage().contains(key)
                        && e.getMessage().contains(good)
                        && e.getMessage().contains(e.actual()),
                e.getMessage());
    }

    @Test
    void contentTypes() {
        assertEquals("image/png", ObjectStore.contentType(ObjectLayout.grid("r", 1)));
        assertEquals("application/octet-stream", ObjectStore.contentType(ObjectLayout.checkpoint("r", 1)));
    }

    @Test
    void unreachableServerFailsWithTheKeyAndEndpoint() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort(); // closed again: nothing listens there
        }
        String endpoint = "http://127.0.0.1:" + port;
        try (ObjectStore store =
                new ObjectStore(endpoint, "access", "secret-key", "denoise-lab").withRetry(ObjectStore.Retry.none())) {
            String key = ObjectLayout.grid("exp-1-x-p4", 1);
            long t0 = System.nanoTime();
            ObjectStoreException e = assertThrows(ObjectStoreException.class, () -> store.exists(key));
            assertTrue(e.getMessage().contains(key) && e.getMessage().contains(endpoint), e.getMessage());
            assertEquals(key, e.key());
            ObjectStoreException put = assertThrows(ObjectStoreException.class, () -> store.put(key, new byte[] {1}));
            assertTrue(put.getMessage().startsWith("put failed for object '" + key + "'"), put.getMessage());
            assertTrue(System.nanoTime() - t0 < 10_000_000_000L, "without retries a refused connection fails fast");
        }
    }

    /** an unreachable store is retried with backoff until the retry budget is spent, then named in the error */
    @Test
    void anUnreachableStoreIsRetriedWithBackoffThenNamed() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort(); // closed again: connections are refused
        }
        ObjectStore store = new ObjectStore("http://127.0.0.1:" + port, "key", "secret-key", "denoise-lab")
                .withRetry(new ObjectStore.Retry(
                        java.time.Duration.ofMillis(50),
                        java.time.Duration.ofMillis(100),
                        java.time.Duration.ofMillis(600)));
        long t0 = System.nanoTime();
        ObjectStoreException e = assertThrows(ObjectStoreException.class, () -> store.put("a/b", new byte[] {1}));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(ms >= 300, "waited " + ms + " ms across its retries");
        assertTrue(e.getMessage().contains("put failed for object 'a/b'"), e.getMessage());
        assertTrue(
                e.getSuppressed().length == 1
                        && e.getSuppressed()[0].getMessage().startsWith("gave up after"),
                java.util.Arrays.toString(e.getSuppressed()));
        ObjectStoreException once = assertThrows(ObjectStoreException.class, store::ping);
        assertTrue(once.getMessage().contains("ping failed"), once.getMessage());
        assertTrue(ObjectStore.isTransient(new java.net.ConnectException("refused")));
        assertTrue(!ObjectStore.isTransient(new IllegalArgumentException("bad")));
    }
}
