package org.denoiselab.science.data;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/** File checks shared by the dataset readers, so every reader reports bad input the same way. */
final class DataFiles {
    private DataFiles() {}

    /** the file itself, or a clear error saying what it should have held */
    static Path requireFile(Path file, String what) throws NoSuchFileException {
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString(), null, "missing " + what);
        }
        return file;
    }

    /** opens a file, transparently un-gzipping it when it starts with the gzip magic 1f 8b */
    static InputStream openMaybeGzip(Path file) throws IOException {
        InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        in.mark(2);
        int b0 = in.read();
        int b1 = in.read();
        in.reset();
        if (b0 == 0x1f && b1 == 0x8b) {
            return new GZIPInputStream(in, 1 << 16);
        }
        return in;
    }

    /** fills dst completely or fails naming the file and how many bytes were expected */
    static void readFully(InputStream in, byte[] dst, Path file, String what) throws IOException {
        int got;
        try {
            got = in.readNBytes(dst, 0, dst.length);
        } catch (IOException e) { // e.g. a gzip stream cut short ("Unexpected end of ZLIB input stream")
            throw new DataFormatException(
                    file, "corrupt or truncated while reading " + dst.length + " " + what + ": " + e.getMessage(), e);
        }
        if (got != dst.length) {
            throw new DataFormatException(file, "expected " + dst.length + " " + what + ", found " + got);
        }
    }

    static int readIntBigEndian(InputStream in, Path file, String field) throws IOException {
        byte[] b = new byte[4];
        readFully(in, b, file, "header bytes (" + field + ")");
        return ((b[0] & 0xff) << 24) | ((b[1] & 0xff) << 16) | ((b[2] & 0xff) << 8) | (b[3] & 0xff);
    }
}
