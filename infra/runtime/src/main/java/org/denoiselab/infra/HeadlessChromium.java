package org.denoiselab.infra;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real browser for the tests of the results pages: Debian's {@code chromium} in headless mode, one process
 * per call, with a throw-away profile and nothing that reaches the network by itself (no component updates,
 * no sync, no background networking). bin/lib/ensure-tools.sh installs the package.
 *
 * <pre>{@code
 * HeadlessChromium browser = HeadlessChromium.find().orElseThrow();
 * String dom = browser.dumpDom(url, Duration.ofSeconds(4));          // the DOM after scripts ran
 * browser.screenshot(url, Path.of("target/page.png"), 1400, 2000, Duration.ofSeconds(4));
 * }</pre>
 */
public final class HeadlessChromium {
    private static final List<String> NAMES = List.of("chromium", "chromium-browser", "google-chrome");
    private static final Duration PROCESS_TIMEOUT = Duration.ofSeconds(120);

    private final Path executable;

    private HeadlessChromium(Path executable) {
        this.executable = executable;
    }

    /** the first of chromium, chromium-browser, google-chrome on PATH; empty when none is installed */
    public static Optional<HeadlessChromium> find() {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String name : NAMES) {
            for (String dir : path.split(File.pathSeparator)) {
                Path p = Path.of(dir.isEmpty() ? "." : dir, name);
                if (Files.isExecutable(p)) {
                    return Optional.of(new HeadlessChromium(p));
                }
            }
        }
        return Optional.empty();
    }

    public Path executable() {
        return executable;
    }

    /**
     * Loads the page, lets its scripts run for {@code settle} of virtual time (timers and the load event
     * included) and returns the serialised DOM.
     *
     * @throws IllegalStateException when the browser fails or takes longer than two minutes
     */
    public String dumpDom(String url, Duration settle) {
        return run(List.of("--dump-dom", url), settle, 1280, 1024);
    }

    /**
     * Loads the page like {@link #dumpDom} and writes a PNG of a {@code width} x {@code height} viewport.
     *
     * @return {@code png}
     * @throws IllegalStateException when the browser fails, takes longer than two minutes or writes no file
     */
    public Path screenshot(String url, Path png, int width, int height, Duration settle) {
        try {
            Files.createDirectories(png.toAbsolutePath().getParent());
            Files.deleteIfExists(png);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        run(List.of("--screenshot=" + png.toAbsolutePath(), url), settle, width, height);
        if (!Files.isRegularFile(png)) {
            throw new IllegalStateException("chromium wrote no screenshot to " + png);
        }
        return png;
    }

    private String run(List<String> what, Duration settle, int width, int height) {
        Path profile = null;
        Path out = null;
        Path err = null;
        try {
            profile = Files.createTempDirectory("chromium-profile");
            out = Files.createTempFile("chromium", ".out");
            err = Files.createTempFile("chromium", ".err");
            List<String> command = new ArrayList<>(List.of(
                    executable.toString(),
                    "--headless",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-dev-shm-usage",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--disable-sync",
                    "--disable-extensions",
                    "--no-first-run",
                    "--no-default-browser-check",
                    "--hide-scrollbars",
                    "--user-data-dir=" + profile,
                    "--window-size=" + width + "," + height,
                    "--virtual-time-budget=" + settle.toMillis()));
            command.addAll(what);
            Process p = new ProcessBuilder(command)
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .start();
            if (!p.waitFor(PROCESS_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly().waitFor();
                throw new IllegalStateException("chromium did not finish within " + PROCESS_TIMEOUT + ": " + what);
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException("chromium exited with " + p.exitValue() + " for " + what + ":\n"
                        + tail(Files.readString(err, StandardCharsets.UTF_8)));
            }
            return Files.readString(out, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + executable, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while chromium ran", e);
        } finally {
            delete(profile);
            delete(out);
            delete(err);
        }
    }

    private static String tail(String s) {
        return s.length() <= 4000 ? s : s.substring(s.length() - 4000);
    }

    private static void delete(Path p) {
        if (p == null) {
            return;
        }
        try (Stream<Path> files = Files.walk(p)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            // a leftover temp file is harmless
        }
    }
}
