package org.denoiselab.experiment;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;

/** Experiment ids: "exp-" and 8 hex digits, safe as object-key segments and Kafka keys. */
public final class ExperimentIds {
    private static final SecureRandom RANDOM = new SecureRandom();

    private ExperimentIds() {}

    /** A fresh id, for a request that names none (e.g. POST /experiments assigns one before publishing). */
    public static String random() {
        byte[] b = new byte[4];
        RANDOM.nextBytes(b);
        return "exp-" + HexFormat.of().formatHex(b);
    }

    /**
     * An id derived from the request bytes: a consumer that has to name an id-less request read
     * from Kafka gets the same id when the record is delivered again, so the runs are not doubled.
     */
    public static String fromContent(byte[] requestBytes) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(requestBytes);
            return "exp-" + HexFormat.of().formatHex(h, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from the JVM", e);
        }
    }

    public static String fromContent(String request) {
        return fromContent(request.getBytes(StandardCharsets.UTF_8));
    }
}
