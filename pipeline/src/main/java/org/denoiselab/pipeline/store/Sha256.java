package org.denoiselab.pipeline.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Lower-case hex SHA-256, the checksum every stored object and every event carries. */
public final class Sha256 {
    private Sha256() {}

    public static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from the JVM", e);
        }
    }

    public static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(digest().digest(bytes));
    }

    public static String hex(Path file) throws IOException {
        MessageDigest d = digest();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                d.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(d.digest());
    }

    /** Copies {@code in} to {@code out} and returns the checksum of what went through, and its size. */
    static Stored copy(InputStream in, OutputStream out) throws IOException {
        MessageDigest d = digest();
        byte[] buf = new byte[1 << 16];
        long size = 0;
        for (int n; (n = in.read(buf)) > 0; ) {
            d.update(buf, 0, n);
            out.write(buf, 0, n);
            size += n;
        }
        return new Stored(HexFormat.of().formatHex(d.digest()), size);
    }

    record Stored(String sha256, long size) {}

    /**
     * Copies {@code in} to {@code out} (streaming, 64 KiB at a time) and checks that the bytes have the
     * expected checksum. The last piece is held back until the checksum is known, so wrong bytes are never
     * sent whole: an object of up to 64 KiB (a grid) is not sent at all, a larger one is cut short, and the
     * receiver sees an error, not a complete wrong file. Memory: two 64 KiB buffers, whatever the size.
     *
     * @return bytes copied
     * @throws ObjectStoreException.ChecksumMismatch when the bytes differ from what was stored
     */
    public static long copyVerified(String key, InputStream in, OutputStream out, String expectedSha256)
            throws IOException {
        MessageDigest d = digest();
        byte[] held = new byte[1 << 16];
        byte[] next = new byte[1 << 16];
        int heldLength = 0;
        long size = 0;
        for (int n; (n = in.readNBytes(next, 0, next.length)) > 0; ) {
            if (heldLength > 0) {
                out.write(held, 0, heldLength);
            }
            byte[] t = held;
            held = next;
            next = t;
            heldLength = n;
            d.update(held, 0, n);
            size += n;
        }
        ObjectStore.verify(key, expectedSha256, HexFormat.of().formatHex(d.digest()));
        if (heldLength > 0) {
            out.write(held, 0, heldLength);
        }
        return size;
    }
}
