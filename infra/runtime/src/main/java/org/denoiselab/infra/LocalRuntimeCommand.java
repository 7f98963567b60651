package org.denoiselab.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * {@code start} of infra/bin/local-runtime: starts the local runtime and keeps it in the foreground
 * until SIGINT/SIGTERM. While it runs, the data folder holds {@code local-runtime.pid} (this JVM)
 * and, once both servers answer, {@code local-runtime.env} (connection settings); both are removed
 * on exit. Options: {@code --data DIR --kafka-port N --kafka-controller-port N --s3-port N}
 * (defaults 9092, 9093, 9000; 0 picks a free port).
 */
public final class LocalRuntimeCommand {
    static final String PID_FILE = "local-runtime.pid";
    static final String ENV_FILE = "local-runtime.env";

    private LocalRuntimeCommand() {}

    public static void main(String[] args) throws Exception {
        LocalRuntime.Config config = parse(args);
        Path data = config.dataDir().toAbsolutePath();
        Files.createDirectories(data);
        Path pidFile = data.resolve(PID_FILE);
        Path envFile = data.resolve(ENV_FILE);
        Files.writeString(pidFile, ProcessHandle.current().pid() + "\n");

        LocalRuntime runtime;
        try {
            runtime = LocalRuntime.start(config);
        } catch (RuntimeException e) {
            Files.deleteIfExists(pidFile);
            System.err.println("local-runtime: start failed: " + e.getMessage());
            System.exit(1);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            try {
                                runtime.close();
                                System.out.println("local-runtime: stopped, ports free");
                            } catch (RuntimeException e) {
                                System.err.println("local-runtime: " + e.getMessage());
                            } finally {
                                deleteQuietly(envFile);
                                deleteQuietly(pidFile);
                                stopped.countDown();
                            }
                        },
                        "local-runtime-stop"));

        StringBuilder env = new StringBuilder();
        for (Map.Entry<String, String> e : runtime.environment().entrySet()) {
            env.append(e.getKey()).append('=').append(e.getValue()).append('\n');
        }
        Files.writeString(envFile, env.toString());
        System.out.printf(
                "local-runtime: ready (Kafka %d ms, S3Proxy %d ms), data in %s%n%s",
                runtime.kafkaStartup().toMillis(), runtime.s3Startup().toMillis(), data, env);
        System.out.flush();
        stopped.await();
    }

    static LocalRuntime.Config parse(String[] args) {
        Path data = Path.of("work-data", "local-runtime");
        int kafkaPort = 9092;
        int controllerPort = 9093;
        int s3Port = 9000;
        for (int i = 0; i < args.length; i++) {
            String option = args[i];
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(option + ": expected a value after it");
            }
            String value = args[++i];
            switch (option) {
                case "--data" -> data = Path.of(value);
                case "--kafka-port" -> kafkaPort = port(option, value);
                case "--kafka-controller-port" -> controllerPort = port(option, value);
                case "--s3-port" -> s3Port = port(option, value);
                default ->
                    throw new IllegalArgumentException("unknown option " + option
                            + "; expected --data, --kafka-port, --kafka-controller-port or --s3-port");
            }
        }
        return LocalRuntime.Config.in(data)
                .withKafkaPort(kafkaPort)
                .withKafkaControllerPort(controllerPort)
                .withS3Port(s3Port);
    }

    private static int port(String option, String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + ": expected a port number, got " + value);
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
