package org.denoiselab.pipeline.store;

import io.minio.BucketExistsArgs;
import io.minio.GetObjectArgs;
import io.minio.ListObjectsArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.RemoveObjectArgs;
import io.minio.Result;
import io.minio.StatObjectArgs;
import io.minio.StatObjectResponse;
import io.minio.errors.ErrorResponseException;
import io.minio.messages.Item;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * The object store as the pipeline uses it (MinIO, S3, or the local S3 server alike, through the
 * MinIO Java client). Every put computes the SHA-256 of the bytes, stores it as user metadata
 * ("sha256") and returns it for the event; every get verifies the checksum the event carried.
 * Failures are {@link ObjectStoreException}s naming bucket and key.
 *
 * <p>Every operation is retried while the store is unreachable (connection refused or reset, timeouts, 5xx
 * answers), with a pause doubling from {@link Retry#firstPause} to {@link Retry#maxPause}, for at most
 * {@link Retry#total} (default 2 minutes): an object store restarting or failing over does not fail the run in
 * hand. A put is complete or absent (an S3 PUT is atomic), so a retried put never leaves part of an object.
 * Answers that will not change (not found, access denied, checksum mismatch) are not retried. {@link #ping}
 * asks once, for readiness checks.
 */
public final class ObjectStore implements AutoCloseable {
    /** user-metadata name under which the checksum is stored (x-amz-meta-sha256) */
    public static final String SHA256_METADATA = "sha256";

    private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");
    private static final Set<String> NOT_FOUND = Set.of("NoSuchKey", "NoSuchObject", "NotFound", "ResourceNotFound");

    /** What a put stored: the key, the hex SHA-256 and the size, as events carry them. */
    public record Stored(String key, String sha256, long sizeBytes) {}

    /**
     * How unreachable-store failures are retried.
     *
     * @param firstPause pause before the first retry, doubled after each
     * @param maxPause   longest pause
     * @param total      give up (and throw) once this has passed since the first try
     */
    public record Retry(java.time.Duration firstPause, java.time.Duration maxPause, java.time.Duration total) {
        /** 0.5 s doubling to 8 s, for at most 2 minutes */
        public static Retry defaults() {
            return new Retry(
                    java.time.Duration.ofMillis(500), java.time.Duration.ofSeconds(8), java.time.Duration.ofMinutes(2));
        }

        /** a single try */
        public static Retry none() {
            return new Retry(java.time.Duration.ZERO, java.time.Duration.ZERO, java.time.Duration.ZERO);
        }
    }

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ObjectStore.class);
    private static final Set<String> TRANSIENT_CODES =
            Set.of("InternalError", "ServiceUnavailable", "SlowDown", "RequestTimeout", "RequestTimeTooSkewed");

    private final MinioClient client;
    private final String endpoint;
    private final String bucket;
    private volatile Retry retry = Retry.defaults();

    /**
     * @param endpoint  e.g. "http://localhost:9000"
     * @param region    the bucket region; "us-east-1" for MinIO and the local server (saves a lookup)
     */
    public ObjectStore(String endpoint, String accessKey, String secretKey, String bucket, String region) {
        this.endpoint = checkEndpoint(endpoint);
        require("access key", accessKey);
        require("secret key", secretKey);
        if (bucket == null || !BUCKET.matcher(bucket).matches()) {
            throw new IllegalArgumentException("object store bucket '" + bucket
                    + "' is not a valid bucket name: 3-63 lower-case letters, digits, '.' or '-'");
        }
        this.bucket = bucket;
        this.client = MinioClient.builder()
                .endpoint(endpoint)
                .credentials(accessKey, secretKey)
                .region(region == null || region.isBlank() ? "us-east-1" : region)
                .build();
        // fail fast on a dead endpoint, but give large checkpoints time to move
        client.setTimeout(TimeUnit.SECONDS.toMillis(10), TimeUnit.MINUTES.toMillis(10), TimeUnit.MINUTES.toMillis(10));
    }

    public ObjectStore(String endpoint, String accessKey, String secretKey, String bucket) {
        this(endpoint, accessKey, secretKey, bucket, null);
    }

    public String bucket() {
        return bucket;
    }

    /** Sets how failures of an unreachable store are retried (see the class comment); returns this store. */
    public ObjectStore withRetry(Retry r) {
        this.retry = r;
        return this;
    }

    /**
     * Asks the store once whether it answers (no retries), for readiness checks.
     *
     * @throws ObjectStoreException when it does not
     */
    public void ping() {
        try {
            client.bucketExists(BucketExistsArgs.builder().bucket(bucket).build());
        } catch (Exception e) {
            throw failure(null, "ping", e);
        }
    }

    @FunctionalInterface
    private interface Call<T> {
        T run() throws Exception;
    }

    /** runs {@code call}, retrying it while the store is unreachable (see the class comment) */
    private <T> T retrying(String key, String operation, Call<T> call) {
        return retrying(key, operation, retry, call);
    }

    private <T> T retrying(String key, String operation, Retry r, Call<T> call) {
        long deadline = System.nanoTime() + r.total().toNanos();
        long pause = r.firstPause().toMillis();
        int tries = 0;
        while (true) {
            tries++;
            try {
                return call.run();
            } catch (ObjectStoreException e) {
                throw e;
            } catch (Exception e) {
                ObjectStoreException f = failure(key, operation, e);
                if (!isTransient(e) || System.nanoTime() + pause * 1_000_000L > deadline) {
                    if (tries > 1) {
                        f.addSuppressed(new IllegalStateException("gave up after " + tries + " tries"));
                    }
                    throw f;
                }
                LOG.warn("{} (try {}), retrying in {} ms", f.getMessage(), tries, pause);
                try {
                    Thread.sleep(pause);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw f;
                }
                pause = Math.min(Math.max(1, pause * 2), r.maxPause().toMillis());
            }
        }
    }

    /** unreachable (I/O errors, timeouts) or a 5xx answer: worth trying again */
    public static boolean isTransient(Throwable e) {
        if (e instanceof ErrorResponseException r) {
            return TRANSIENT_CODES.contains(r.errorResponse().code());
        }
        if (e instanceof io.minio.errors.ServerException) {
            return true;
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof IOException) {
                return true;
            }
        }
        return false;
    }

    public String endpoint() {
        return endpoint;
    }

    /** Creates the bucket unless it exists (safe when several services start at once). */
    public void ensureBucket() {
        retrying(null, "create bucket", () -> {
            try {
                if (!client.bucketExists(
                        BucketExistsArgs.builder().bucket(bucket).build())) {
                    client.makeBucket(MakeBucketArgs.builder().bucket(bucket).build());
                }
            } catch (ErrorResponseException e) {
                String code = e.errorResponse().code();
                if (!"BucketAlreadyOwnedByYou".equals(code) && !"BucketAlreadyExists".equals(code)) {
                    throw e;
                }
            }
            return null;
        });
    }

    public Stored put(String key, byte[] bytes) {
        String sha = Sha256.hex(bytes);
        retrying(key, "put", () -> upload(key, new ByteArrayInputStream(bytes), bytes.length, sha));
        return new Stored(key, sha, bytes.length);
    }

    /** Reads the file twice (checksum first, because metadata is sent before the bytes). */
    public Stored put(String key, Path file) {
        try {
            long size = Files.size(file);
            String sha = Sha256.hex(file);
            retrying(key, "put", () -> {
                try (InputStream in = Files.newInputStream(file)) {
                    return upload(key, in, size, sha);
                }
            });
            return new Stored(key, sha, size);
        } catch (IOException e) {
            throw new ObjectStoreException(
                    key, "cannot read '" + file + "' to store it as '" + key + "': " + e.getMessage(), e);
        }
    }

    /** Spools the stream to a temporary file while hashing it, then stores that file. */
    public Stored put(String key, InputStream in, long size) {
        Path spool = null;
        try {
            spool = Files.createTempFile("objectstore-", ".part");
            Sha256.Stored copied;
            try (OutputStream out = Files.newOutputStream(spool)) {
                copied = Sha256.copy(in, out);
            }
            if (copied.size() != size) {
                throw new ObjectStoreException(
                        key, "stream for '" + key + "' had " + copied.size() + " bytes, expected " + size, null);
            }
            return put(key, spool);
        } catch (IOException e) {
            throw new ObjectStoreException(
                    key, "cannot read the stream to store as '" + key + "': " + e.getMessage(), e);
        } finally {
            deleteQuietly(spool);
        }
    }

    /** The object's bytes, verified against {@code expectedSha256} (the checksum its event carried). */
    public byte[] get(String key, String expectedSha256) {
        byte[] bytes = retrying(key, "get", () -> {
            try (InputStream in = client.getObject(
                    GetObjectArgs.builder().bucket(bucket).object(key).build())) {
                return in.readAllBytes();
            }
        });
        verify(key, expectedSha256, Sha256.hex(bytes));
        return bytes;
    }

    /**
     * Downloads into {@code target} (replacing it) only if the checksum matches; a partial or wrong
     * download never appears at {@code target}.
     */
    public void download(String key, String expectedSha256, Path target) {
        Path dir = target.toAbsolutePath().getParent();
        Path part = null;
        try {
            Files.createDirectories(dir);
            Path partFile = Files.createTempFile(dir, target.getFileName().toString(), ".part");
            part = partFile;
            Sha256.Stored got = retrying(key, "download", () -> {
                try (InputStream in = client.getObject(GetObjectArgs.builder()
                                .bucket(bucket)
                                .object(key)
                                .build());
                        OutputStream out = Files.newOutputStream(partFile)) {
                    return Sha256.copy(in, out);
                }
            });
            verify(key, expectedSha256, got.sha256());
            Files.move(part, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            part = null;
        } catch (ObjectStoreException e) {
            throw e;
        } catch (Exception e) {
            throw failure(key, "download to '" + target + "'", e);
        } finally {
            deleteQuietly(part);
        }
    }

    /**
     * An object opened for streaming (large objects never pass through memory whole): close it when done.
     *
     * @param stream    its bytes, unverified: copy them with {@link Sha256#copyVerified} against {@code sha256}
     * @param sizeBytes its size as stored
     * @param sha256    the checksum recorded at upload
     */
    public record Opened(String key, InputStream stream, long sizeBytes, String sha256) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            stream.close();
        }
    }

    /**
     * Opens an object for streaming when it exists and has a recorded checksum.
     *
     * @return empty when the object is missing or was not stored by {@link #put} (no checksum)
     * @throws ObjectStoreException when the store cannot be asked
     */
    public Optional<Opened> open(String key) {
        Optional<Stored> stored = stored(key);
        if (stored.isEmpty()) {
            return Optional.empty();
        }
        try {
            InputStream in = client.getObject(
                    GetObjectArgs.builder().bucket(bucket).object(key).build());
            return Optional.of(
                    new Opened(key, in, stored.get().sizeBytes(), stored.get().sha256()));
        } catch (ErrorResponseException e) {
            if (NOT_FOUND.contains(e.errorResponse().code())) {
                return Optional.empty(); // removed between stat and get
            }
            throw failure(key, "get", e);
        } catch (Exception e) {
            throw failure(key, "get", e);
        }
    }

    /** The checksum recorded when the object was put, if the object exists and has one. */
    public Optional<String> storedSha256(String key) {
        return stat(key).flatMap(ObjectStore::sha256Of);
    }

    private static Optional<String> sha256Of(StatObjectResponse s) {
        for (Map.Entry<String, String> e : s.userMetadata().entrySet()) {
            String name = e.getKey().toLowerCase(Locale.ROOT);
            if (name.equals(SHA256_METADATA) || name.equals("x-amz-meta-" + SHA256_METADATA)) {
                return Optional.ofNullable(e.getValue());
            }
        }
        return Optional.empty();
    }

    /** What a put stored under {@code key} (checksum and size), if the object exists and has a checksum. */
    public Optional<Stored> stored(String key) {
        return stat(key).flatMap(s -> sha256Of(s).map(sha -> new Stored(key, sha, s.size())));
    }

    /** Keys of all objects whose key starts with {@code prefix}, in key order. */
    public List<String> list(String prefix) {
        return list(prefix, retry);
    }

    /**
     * {@link #list}, asked once without the retries (for a caller that must answer now, e.g. an HTTP request).
     *
     * @throws ObjectStoreException when the store does not answer
     */
    public List<String> listNow(String prefix) {
        return list(prefix, Retry.none());
    }

    private List<String> list(String prefix, Retry retryPolicy) {
        List<String> keys = retrying(null, "list '" + prefix + "*'", retryPolicy, () -> {
            List<String> found = new ArrayList<>();
            for (Result<Item> r : client.listObjects(ListObjectsArgs.builder()
                    .bucket(bucket)
                    .prefix(prefix)
                    .recursive(true)
                    .build())) {
                Item item = r.get();
                if (!item.isDir()) {
                    found.add(item.objectName());
                }
            }
            return found;
        });
        keys.sort(null);
        return keys;
    }

    public boolean exists(String key) {
        return stat(key).isPresent();
    }

    /**
     * Whether the object exists, asked once without the retries (for a caller that must answer now, e.g. an HTTP
     * request).
     *
     * @throws ObjectStoreException when the store does not answer
     */
    public boolean existsNow(String key) {
        return stat(key, Retry.none()).isPresent();
    }

    /** Removes the object; removing a missing object is not an error. */
    public void delete(String key) {
        retrying(key, "delete", () -> {
            client.removeObject(
                    RemoveObjectArgs.builder().bucket(bucket).object(key).build());
            return null;
        });
    }

    @Override
    public void close() {
        try {
            client.close();
        } catch (Exception e) {
            // the HTTP client's pools hold nothing that must outlive us
        }
    }

    /** Throws ChecksumMismatch naming the key and both sums; a null expectation is a caller bug. */
    static void verify(String key, String expected, String actual) {
        if (expected == null || expected.isBlank()) {
            throw new IllegalArgumentException("no expected sha256 given for '" + key + "'");
        }
        if (!expected.equalsIgnoreCase(actual)) {
            throw new ObjectStoreException.ChecksumMismatch(key, expected.toLowerCase(Locale.ROOT), actual);
        }
    }

    static String contentType(String key) {
        String k = key.toLowerCase(Locale.ROOT);
        if (k.endsWith(".png")) return "image/png";
        if (k.endsWith(".json")) return "application/json";
        return "application/octet-stream";
    }

    private Optional<StatObjectResponse> stat(String key) {
        return stat(key, retry);
    }

    private Optional<StatObjectResponse> stat(String key, Retry r) {
        return retrying(key, "stat", r, () -> {
            try {
                return Optional.of(client.statObject(
                        StatObjectArgs.builder().bucket(bucket).object(key).build()));
            } catch (ErrorResponseException e) {
                if (NOT_FOUND.contains(e.errorResponse().code())) {
                    return Optional.<StatObjectResponse>empty();
                }
                throw e;
            }
        });
    }

    private Void upload(String key, InputStream in, long size, String sha) throws Exception {
        client.putObject(PutObjectArgs.builder().bucket(bucket).object(key).stream(in, size, -1)
                .contentType(contentType(key))
                .userMetadata(Map.of(SHA256_METADATA, sha))
                .build());
        return null;
    }

    private ObjectStoreException failure(String key, String operation, Exception e) {
        if (key != null
                && e instanceof ErrorResponseException r
                && NOT_FOUND.contains(r.errorResponse().code())) {
            return new ObjectStoreException.NotFound(bucket, key, e);
        }
        String detail = e instanceof ErrorResponseException r
                ? r.errorResponse().code() + ": " + r.errorResponse().message()
                : e.getClass().getSimpleName() + ": " + e.getMessage();
        String what = key == null ? "bucket '" + bucket + "'" : "object '" + key + "' in bucket '" + bucket + "'";
        return new ObjectStoreException(key, operation + " failed for " + what + " at " + endpoint + ": " + detail, e);
    }

    private static String checkEndpoint(String endpoint) {
        require("endpoint", endpoint);
        try {
            URI uri = URI.create(endpoint);
            if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
                throw new IllegalArgumentException("no scheme or host");
            }
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "object store endpoint '" + endpoint + "' is not an http(s) URL like http://localhost:9000: "
                            + e.getMessage(),
                    e);
        }
        return endpoint;
    }

    private static void require(String what, String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("object store " + what + " is missing");
        }
    }

    private static void deleteQuietly(Path p) {
        if (p != null) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException ignored) {
                // a leftover temp file is harmless
            }
        }
    }
}
