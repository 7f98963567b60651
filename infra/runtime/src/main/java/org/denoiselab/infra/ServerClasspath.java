package org.denoiselab.infra;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The classpath of one server JVM (kafka-server or s3-server), as written at build time by the
 * module infra/&lt;name&gt; (maven-dependency-plugin build-classpath). Looked up, first hit wins:
 * <ol>
 *   <li>system property {@code denoiselab.infra.<name>.classpath} (path of the file),</li>
 *   <li>environment variable {@code DENOISELAB_INFRA_<NAME>_CLASSPATH} (path of the file),</li>
 *   <li>the copy embedded in this module's jar ({@code org/denoiselab/infra/<name>/server.classpath}),</li>
 *   <li>{@code infra/<name>/target/server.classpath} in the working directory or any parent of it.</li>
 * </ol>
 */
public final class ServerClasspath {
    public static final String KAFKA = "kafka-server";
    public static final String S3 = "s3-server";

    private ServerClasspath() {}

    /** The classpath string, every entry checked to exist; fails naming what was tried or missing. */
    public static String of(String name) {
        String property = "denoiselab.infra." + name + ".classpath";
        String env = "DENOISELAB_INFRA_" + name.toUpperCase(Locale.ROOT).replace('-', '_') + "_CLASSPATH";
        String resource = "org/denoiselab/infra/" + name + "/server.classpath";
        Path repoRelative = Path.of("infra", name, "target", "server.classpath");
        List<String> tried = new ArrayList<>();

        String text = null;
        String source = null;
        for (String configured : new String[] {System.getProperty(property), System.getenv(env)}) {
            if (text == null && configured != null && !configured.isBlank()) {
                Path file = Path.of(configured);
                if (!Files.isRegularFile(file)) {
                    throw new IllegalStateException("classpath file of " + name + " given by " + property + " / " + env
                            + " does not exist: " + file.toAbsolutePath());
                }
                text = read(file);
                source = file.toString();
            }
        }
        tried.add("system property " + property);
        tried.add("environment variable " + env);
        if (text == null) {
            try (InputStream in = ServerClasspath.class.getClassLoader().getResourceAsStream(resource)) {
                if (in != null) {
                    text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                    source = "classpath resource " + resource;
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read classpath resource " + resource, e);
            }
            tried.add("classpath resource " + resource);
        }
        if (text == null) {
            for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
                Path file = dir.resolve(repoRelative);
                if (Files.isRegularFile(file)) {
                    text = read(file);
                    source = file.toString();
                    break;
                }
            }
            tried.add(repoRelative + " in " + Path.of("").toAbsolutePath() + " or a parent of it");
        }
        if (text == null || text.isBlank()) {
            throw new IllegalStateException("no classpath for the " + name + " JVM; tried " + String.join(", ", tried)
                    + ". Build it with: mvn -pl infra/runtime -am package -DskipTests");
        }

        String classpath = text.strip();
        for (String entry : classpath.split(java.io.File.pathSeparator)) {
            if (!Files.exists(Path.of(entry))) {
                throw new IllegalStateException("classpath of " + name + " (from " + source + ") names a missing jar: "
                        + entry + ". Rebuild with: mvn -pl infra/runtime -am package -DskipTests");
            }
        }
        return classpath;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read classpath file " + file, e);
        }
    }
}
