package org.denoiselab.pipeline.store;

/** An object-store operation failed; the message names the bucket, the key and what was attempted. */
public class ObjectStoreException extends RuntimeException {
    private final String key;

    public ObjectStoreException(String key, String message, Throwable cause) {
        super(message, cause);
        this.key = key;
    }

    /** the object key concerned (null for bucket-level failures) */
    public String key() {
        return key;
    }

    /** The object is not there (a consumer may treat this as "not produced yet"). */
    public static class NotFound extends ObjectStoreException {
        public NotFound(String bucket, String key, Throwable cause) {
            super(key, "object '" + key + "' not found in bucket '" + bucket + "'", cause);
        }
    }

    /** The bytes read are not the bytes that were stored. */
    public static class ChecksumMismatch extends ObjectStoreException {
        private final String expected;
        private final String actual;

        public ChecksumMismatch(String key, String expected, String actual) {
            super(
                    key,
                    "checksum mismatch for object '" + key + "': expected sha256 " + expected + ", got " + actual,
                    null);
            this.expected = expected;
            this.actual = actual;
        }

        public String expected() {
            return expected;
        }

        public String actual() {
            return actual;
        }
    }
}
