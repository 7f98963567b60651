package org.denoiselab.service;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;
import org.denoiselab.infra.LocalRuntime;

/**
 * A real Kafka broker and S3 server (LocalRuntime, free ports, a temp folder) for one Quarkus test
 * class; the service gets them through its ordinary settings, and accepts {@link #API_TOKEN} as its bearer
 * token.
 */
public class LocalRuntimeResource implements QuarkusTestResourceLifecycleManager {
    /** the bearer token the services under test accept (denoise.auth.tokens) */
    public static final String API_TOKEN = "test-token-0123456789abcdef0123456789abcdef";

    private static volatile LocalRuntime current;
    private LocalRuntime runtime;
    private Path dir;

    /** the runtime of the test class being run, for the test's own clients */
    public static LocalRuntime runtime() {
        return current;
    }

    @Override
    public Map<String, String> start() {
        try {
            dir = Files.createTempDirectory("denoiselab-service-test");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        runtime = LocalRuntime.start(LocalRuntime.Config.in(dir));
        current = runtime;
        return Map.of(
                "kafka.bootstrap-servers", runtime.bootstrapServers(),
                "s3.endpoint", runtime.s3Endpoint(),
                "s3.access-key", runtime.accessKey(),
                "s3.secret-key", runtime.secretKey(),
                "s3.bucket", "denoise-lab-test",
                "denoise.auth.tokens", API_TOKEN);
    }

    @Override
    public void stop() {
        if (runtime != null) {
            runtime.close();
        }
        current = null;
        if (dir != null) {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                // a leftover temp folder is harmless
            }
        }
    }
}
