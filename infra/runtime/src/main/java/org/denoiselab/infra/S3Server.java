package org.denoiselab.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** S3Proxy serving the S3 API on 127.0.0.1, objects stored as files (jclouds "filesystem"). */
final class S3Server {
    static final String MAIN_CLASS = "org.gaul.s3proxy.Main";

    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    private S3Server() {}

    static ServerProcess launch(Path dir, int port, String accessKey, String secretKey, List<String> jvmOptions) {
        String classpath = ServerClasspath.of(ServerClasspath.S3);
        Path blobs = dir.resolve("blobs");
        Path conf = dir.resolve("s3proxy.conf");
        Path logback = dir.resolve("logback.xml");
        try {
            Files.createDirectories(blobs);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the object store folder " + blobs, e);
        }
        KafkaServer.write(
                conf,
                String.join(
                        "\n",
                        "# written by org.denoiselab.infra.LocalRuntime; rewritten on every start",
                        "s3proxy.endpoint=" + endpoint(port),
                        "s3proxy.authorization=aws-v2-or-v4",
                        "s3proxy.identity=" + accessKey,
                        "s3proxy.credential=" + secretKey,
                        "jclouds.provider=filesystem",
                        "jclouds.filesystem.basedir=" + blobs.toAbsolutePath(),
                        ""));
        // S3Proxy ships no logback configuration; without one logback logs everything at DEBUG
        KafkaServer.write(
                logback,
                String.join(
                        "\n",
                        "<configuration>",
                        "  <appender name=\"OUT\" class=\"ch.qos.logback.core.ConsoleAppender\">",
                        "    <encoder><pattern>%d{ISO8601} %-5level [%thread] %logger{36} - %msg%n</pattern></encoder>",
                        "  </appender>",
                        "  <logger name=\"org.eclipse.jetty\" level=\"WARN\"/>",
                        "  <logger name=\"org.gaul.shaded\" level=\"WARN\"/>",
                        "  <root level=\"INFO\"><appender-ref ref=\"OUT\"/></root>",
                        "</configuration>",
                        ""));
        List<String> options = new ArrayList<>(jvmOptions);
        options.add("-Dlogback.configurationFile=" + logback.toAbsolutePath());
        return ServerProcess.launch(
                "S3Proxy",
                classpath,
                options,
                MAIN_CLASS,
                List.of("--properties", conf.toString()),
                dir.resolve("s3proxy.log"));
    }

    static String endpoint(int port) {
        return "http://127.0.0.1:" + port;
    }

    /** True once the server answers HTTP at all (an unsigned request gets 403, which is an answer). */
    static boolean answers(int port) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(endpoint(port) + "/"))
                .timeout(Duration.ofSeconds(2))
                .GET()
                .build();
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() > 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for S3Proxy", e);
        }
    }
}
