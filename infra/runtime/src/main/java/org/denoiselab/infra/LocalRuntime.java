package org.denoiselab.infra;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * The local runtime of denoise-lab: a real Kafka broker (KRaft) and a real S3-compatible server
 * (S3Proxy on the file system), each in its own JVM, reachable exactly like their cluster
 * counterparts. {@link #start} returns once both answer; {@link #close} stops both, waits for
 * them to exit and checks their ports are free. The servers also stop when this JVM exits, even
 * when it is killed (see {@link ParentWatch}).
 *
 * <pre>{@code
 * try (LocalRuntime rt = LocalRuntime.start(LocalRuntime.Config.in(tempDir))) {
 *   props.put("bootstrap.servers", rt.bootstrapServers());
 *   MinioClient.builder().endpoint(rt.s3Endpoint()).credentials(rt.accessKey(), rt.secretKey()).build();
 * }
 * }</pre>
 */
public final class LocalRuntime implements AutoCloseable {

    /**
     * Where and how to run. A port of 0 means "pick a free one". Data folders survive a restart
     * (topics and objects are kept) unless the caller deletes them.
     */
    public record Config(
            Path dataDir,
            int kafkaPort,
            int kafkaControllerPort,
            int s3Port,
            String accessKey,
            String secretKey,
            Duration startTimeout,
            Duration stopTimeout) {

        public Config {
            if (dataDir == null) {
                throw new IllegalArgumentException(
                        "dataDir: expected a folder for the servers' data and logs, got null");
            }
            checkPort("kafkaPort", kafkaPort);
            checkPort("kafkaControllerPort", kafkaControllerPort);
            checkPort("s3Port", s3Port);
            if (accessKey == null || accessKey.length() < 3) {
                throw new IllegalArgumentException("accessKey: expected at least 3 characters, got " + accessKey);
            }
            if (secretKey == null || secretKey.length() < 8) {
                throw new IllegalArgumentException("secretKey: expected at least 8 characters");
            }
        }

        /** Free ports, fixed local credentials, 60 s to start, 30 s to stop. */
        public static Config in(Path dataDir) {
            return new Config(
                    dataDir,
                    0,
                    0,
                    0,
                    "denoiselab",
                    "denoiselab-secret",
                    Duration.ofSeconds(60),
                    Duration.ofSeconds(30));
        }

        public Config withKafkaPort(int port) {
            return new Config(
                    dataDir, port, kafkaControllerPort, s3Port, accessKey, secretKey, startTimeout, stopTimeout);
        }

        public Config withKafkaControllerPort(int port) {
            return new Config(dataDir, kafkaPort, port, s3Port, accessKey, secretKey, startTimeout, stopTimeout);
        }

        public Config withS3Port(int port) {
            return new Config(
                    dataDir, kafkaPort, kafkaControllerPort, port, accessKey, secretKey, startTimeout, stopTimeout);
        }

        public Config withCredentials(String access, String secret) {
            return new Config(
                    dataDir, kafkaPort, kafkaControllerPort, s3Port, access, secret, startTimeout, stopTimeout);
        }

        public Config withStartTimeout(Duration timeout) {
            return new Config(
                    dataDir, kafkaPort, kafkaControllerPort, s3Port, accessKey, secretKey, timeout, stopTimeout);
        }

        private static void checkPort(String field, int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException(field + ": expected 0 (any free port) or 1..65535, got " + port);
            }
        }
    }

    // Small heaps, the serial collector and the C1 compiler only: the traffic is tiny, and C1 halves
    // the start-up time and CPU on a busy 2-core machine (measured: Kafka ~5-8 s vs ~10-12 s).
    private static final List<String> KAFKA_JVM =
            List.of("-Xms64m", "-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");
    private static final List<String> S3_JVM =
            List.of("-Xms32m", "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");

    private final Config config;
    private final int kafkaPort;
    private final int kafkaSaslPort;
    private final int kafkaControllerPort;
    private final int s3Port;
    private final List<ServerProcess> servers = new ArrayList<>();
    private ServerProcess kafka;
    private ServerProcess s3;
    private final List<AutoCloseable> clients = new ArrayList<>();
    private final Thread shutdownHook;
    private Duration kafkaStartup;
    private Duration s3Startup;
    private boolean closed;

    private LocalRuntime(Config config, int kafkaPort, int kafkaSaslPort, int kafkaControllerPort, int s3Port) {
        this.config = config;
        this.kafkaPort = kafkaPort;
        this.kafkaSaslPort = kafkaSaslPort;
        this.kafkaControllerPort = kafkaControllerPort;
        this.s3Port = s3Port;
        this.shutdownHook = new Thread(this::stopServers, "local-runtime-shutdown");
    }

    /** Starts both servers and returns once both answer; on failure nothing is left running. */
    public static LocalRuntime start(Config config) {
        int kafkaPort = chosenPort("Kafka", config.kafkaPort());
        int saslPort = Ports.free();
        int controllerPort = chosenPort("Kafka controller", config.kafkaControllerPort());
        int s3Port = chosenPort("S3", config.s3Port());
        // fail before launching anything if a classpath is missing
        ServerClasspath.of(ServerClasspath.KAFKA);
        ServerClasspath.of(ServerClasspath.S3);

        LocalRuntime runtime = new LocalRuntime(config, kafkaPort, saslPort, controllerPort, s3Port);
        Runtime.getRuntime().addShutdownHook(runtime.shutdownHook);
        try {
            runtime.launchAndAwait();
            return runtime;
        } catch (RuntimeException e) {
            try {
                runtime.close();
            } catch (RuntimeException stopFailure) {
                e.addSuppressed(stopFailure);
            }
            throw e;
        }
    }

    private void launchAndAwait() {
        Instant deadline = Instant.now().plus(config.startTimeout());
        // S3Proxy boots while Kafka's storage is formatted; both then start in parallel
        long s3Launched = System.nanoTime();
        launchS3();
        long kafkaLaunched = System.nanoTime();
        launchKafka();

        awaitReady(s3, deadline, () -> S3Server.answers(s3Port));
        s3Startup = Duration.ofNanos(System.nanoTime() - s3Launched);
        awaitReady(kafka, deadline, () -> Ports.accepts(kafkaPort) && KafkaServer.answers(bootstrapServers()));
        kafkaStartup = Duration.ofNanos(System.nanoTime() - kafkaLaunched);
    }

    private void launchS3() {
        Path dir = config.dataDir().toAbsolutePath();
        s3 = S3Server.launch(dir.resolve("s3"), s3Port, config.accessKey(), config.secretKey(), S3_JVM);
        synchronized (servers) {
            servers.add(s3);
        }
    }

    private void launchKafka() {
        Path dir = config.dataDir().toAbsolutePath();
        kafka = KafkaServer.launch(
                dir.resolve("kafka"),
                kafkaPort,
                kafkaSaslPort,
                kafkaControllerPort,
                KAFKA_JVM,
                config.accessKey(),
                config.secretKey());
        synchronized (servers) {
            servers.add(kafka);
        }
    }

    /**
     * Stops the Kafka broker (SIGTERM, a clean shutdown; killed after the stop timeout) and waits until its ports
     * are free, for fault tests: clients see the broker go away as in a rolling restart. Topics and committed
     * offsets stay in the data folder for {@link #startKafka}.
     *
     * @return how long the stop took
     */
    public synchronized Duration stopKafka() {
        long t0 = System.nanoTime();
        stop(kafka, kafkaPort, kafkaSaslPort, kafkaControllerPort);
        kafka = null;
        return Duration.ofNanos(System.nanoTime() - t0);
    }

    /**
     * Starts the broker again on the same ports and data folder after {@link #stopKafka}.
     *
     * @return how long until it answered
     * @throws IllegalStateException when it is running, or does not answer within the start timeout
     */
    public synchronized Duration startKafka() {
        if (kafka != null) {
            throw new IllegalStateException("Kafka is running");
        }
        long t0 = System.nanoTime();
        launchKafka();
        awaitReady(
                kafka,
                Instant.now().plus(config.startTimeout()),
                () -> Ports.accepts(kafkaPort) && KafkaServer.answers(bootstrapServers()));
        return Duration.ofNanos(System.nanoTime() - t0);
    }

    /** Stops the S3 server (its objects stay on disk) and waits until its port is free; see {@link #stopKafka}. */
    public synchronized Duration stopS3() {
        long t0 = System.nanoTime();
        stop(s3, s3Port);
        s3 = null;
        return Duration.ofNanos(System.nanoTime() - t0);
    }

    /** Starts the S3 server again on the same port and folder after {@link #stopS3}; returns how long it took. */
    public synchronized Duration startS3() {
        if (s3 != null) {
            throw new IllegalStateException("the S3 server is running");
        }
        long t0 = System.nanoTime();
        launchS3();
        awaitReady(s3, Instant.now().plus(config.startTimeout()), () -> S3Server.answers(s3Port));
        return Duration.ofNanos(System.nanoTime() - t0);
    }

    private void stop(ServerProcess server, int... ports) {
        if (server == null) {
            throw new IllegalStateException("not running");
        }
        server.requestStop();
        if (!server.awaitStop(config.stopTimeout())) {
            System.err.println("LocalRuntime: " + server.name() + " did not stop within " + config.stopTimeout()
                    + " and was killed; see " + server.log());
        }
        synchronized (servers) {
            servers.remove(server);
        }
        for (int port : ports) {
            if (!Ports.awaitFree(port, Duration.ofSeconds(30))) {
                throw new IllegalStateException(server.name() + " stopped but port " + port + " is still taken");
            }
        }
    }

    private static void awaitReady(ServerProcess server, Instant deadline, BooleanSupplier answers) {
        while (true) {
            if (!server.isAlive()) {
                throw new IllegalStateException(server.name() + " exited during start-up; last lines of " + server.log()
                        + ":\n" + server.logTail(40));
            }
            if (answers.getAsBoolean()) {
                return;
            }
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException(
                        server.name() + " did not answer before the start timeout; last lines of " + server.log()
                                + ":\n" + server.logTail(40));
            }
            Ports.sleep(Duration.ofMillis(200));
        }
    }

    private static int chosenPort(String what, int port) {
        if (port == 0) {
            return Ports.free();
        }
        if (!Ports.isFree(port)) {
            throw new IllegalStateException(what + " port " + port + " is already in use on 127.0.0.1");
        }
        return port;
    }

    /** For Kafka clients' {@code bootstrap.servers}. */
    public String bootstrapServers() {
        return "127.0.0.1:" + kafkaPort;
    }

    /**
     * The broker's SASL_PLAINTEXT listener (SCRAM-SHA-512, user {@link #accessKey()} with password {@link
     * #secretKey()}, made when the data folder was first formatted), for clients configured as on a Strimzi
     * cluster.
     */
    public String saslBootstrapServers() {
        return "127.0.0.1:" + kafkaSaslPort;
    }

    /** sasl.jaas.config for {@link #saslBootstrapServers()}, in the form Strimzi writes into a KafkaUser's Secret */
    public String scramJaasConfig() {
        return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + config.accessKey()
                + "\" password=\"" + config.secretKey() + "\";";
    }

    /** For {@code MinioClient.builder().endpoint(...)} (path-style, plain HTTP, any region). */
    public String s3Endpoint() {
        return S3Server.endpoint(s3Port);
    }

    public String accessKey() {
        return config.accessKey();
    }

    public String secretKey() {
        return config.secretKey();
    }

    public int kafkaPort() {
        return kafkaPort;
    }

    public int kafkaControllerPort() {
        return kafkaControllerPort;
    }

    public int s3Port() {
        return s3Port;
    }

    public Path dataDir() {
        return config.dataDir();
    }

    /** Launch to first describeCluster answer, including storage formatting on a fresh folder. */
    public Duration kafkaStartup() {
        return kafkaStartup;
    }

    /** Launch to first HTTP answer. */
    public Duration s3Startup() {
        return s3Startup;
    }

    /** Process ids of the server JVMs (S3Proxy, then Kafka, as far as launched and running). */
    public List<Long> pids() {
        synchronized (servers) {
            return servers.stream().map(ServerProcess::pid).toList();
        }
    }

    /** The connection settings as environment variables, e.g. for a service started by hand. */
    public Map<String, String> environment() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("KAFKA_BOOTSTRAP_SERVERS", bootstrapServers());
        env.put("S3_ENDPOINT", s3Endpoint());
        env.put("S3_ACCESS_KEY", accessKey());
        env.put("S3_SECRET_KEY", secretKey());
        return env;
    }

    /** Stops both servers, waits for them to exit, and fails if a port is still taken afterwards. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        stopServers();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shuttingDown) {
            // the JVM is already exiting; the hook is running or has run
        }
        List<String> taken = new ArrayList<>();
        for (int port : new int[] {kafkaPort, kafkaSaslPort, kafkaControllerPort, s3Port}) {
            if (!Ports.awaitFree(port, Duration.ofSeconds(10))) {
                taken.add(Integer.toString(port));
            }
        }
        if (!taken.isEmpty()) {
            throw new IllegalStateException(
                    "servers stopped but port(s) " + String.join(", ", taken) + " are still taken on 127.0.0.1");
        }
    }

    /**
     * Has {@code client} (e.g. the services started against this runtime) closed before the servers stop,
     * also when the JVM is ending (Ctrl-C). Stopped the other way round, a trainer in mid-run waits out its
     * Kafka timeouts before it can exit.
     */
    public void closeBeforeStopping(AutoCloseable client) {
        synchronized (clients) {
            clients.add(client);
        }
    }

    private void stopServers() {
        synchronized (clients) {
            for (int i = clients.size() - 1; i >= 0; i--) {
                try {
                    clients.get(i).close();
                } catch (Exception e) {
                    System.err.println("LocalRuntime: closing " + clients.get(i) + " failed: " + e);
                }
            }
            clients.clear();
        }
        synchronized (servers) {
            servers.forEach(ServerProcess::requestStop);
            for (ServerProcess server : servers) {
                if (!server.awaitStop(config.stopTimeout())) {
                    System.err.println("LocalRuntime: " + server.name() + " did not stop within " + config.stopTimeout()
                            + " and was killed; see " + server.log());
                }
            }
        }
    }
}
