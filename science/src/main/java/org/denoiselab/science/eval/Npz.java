package org.denoiselab.science.eval;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * NumPy's .npz: a zip archive holding one {@code <key>.npy} per array. Written uncompressed like
 * {@code np.savez}; read whether stored or deflated ({@code np.savez_compressed}, which pytorch-fid and
 * clean-fid use for their published statistics). Each array is read by {@link Npy#read(InputStream, String)}
 * (either byte order, C or Fortran order); errors name the file and the key: "ref.npz, key 'mu': ...".
 */
public final class Npz {
    private Npz() {}

    public static void write(Path file, Map<String, Npy.Array> arrays) throws IOException {
        try (OutputStream raw = new BufferedOutputStream(Files.newOutputStream(file));
                ZipOutputStream zip = new ZipOutputStream(raw)) {
            for (Map.Entry<String, Npy.Array> e : arrays.entrySet()) {
                byte[] bytes = Npy.toBytes(e.getValue());
                ZipEntry entry = new ZipEntry(e.getKey() + ".npy");
                CRC32 crc = new CRC32();
                crc.update(bytes);
                entry.setMethod(ZipEntry.STORED);
                entry.setSize(bytes.length);
                entry.setCompressedSize(bytes.length);
                entry.setCrc(crc.getValue());
                zip.putNextEntry(entry);
                zip.write(bytes);
                zip.closeEntry();
            }
        }
    }

    /**
     * Every array in the archive, keyed without the .npy suffix, in archive order.
     *
     * @throws IOException naming the file (and the key) when it is missing, not a zip archive, or holds an
     *     array {@link Npy} refuses
     */
    public static Map<String, Npy.Array> read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException(file + ": no such .npz file");
        }
        Map<String, Npy.Array> arrays = new LinkedHashMap<>();
        try (ZipFile zip = new ZipFile(file.toFile())) {
            Enumeration<? extends ZipEntry> entries = zip.entries();
            while (entries.hasMoreElements()) {
                ZipEntry entry = entries.nextElement();
                String name = entry.getName();
                if (!name.endsWith(".npy")) {
                    continue;
                }
                try (InputStream in = zip.getInputStream(entry)) {
                    String key = name.substring(0, name.length() - 4);
                    arrays.put(key, Npy.read(in, file + ", key '" + key + "'"));
                }
            }
        } catch (ZipException e) {
            throw new IOException(file + ": not a readable .npz (zip) archive: " + e.getMessage(), e);
        }
        return arrays;
    }
}
