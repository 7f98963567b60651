package org.denoiselab.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;

/**
 * A single-node KRaft Kafka (broker and controller in one JVM) listening on 127.0.0.1: PLAINTEXT on one
 * port (what the local services use), SASL_PLAINTEXT with SCRAM-SHA-512 on another (one user, made when
 * the storage is formatted), so the clients' SASL settings can be exercised as on a Strimzi cluster.
 */
final class KafkaServer {
    static final String MAIN_CLASS = "kafka.Kafka";
    static final String STORAGE_TOOL = "kafka.tools.StorageTool";

    private KafkaServer() {}

    /** Writes server.properties, formats the storage on first use, and launches the broker. */
    static final String SCRAM_MECHANISM = "SCRAM-SHA-512";

    /**
     * @param saslPort      the SASL_PLAINTEXT listener's port
     * @param scramUser     the SCRAM-SHA-512 user made at the first format (a later start keeps the stored one)
     * @param scramPassword its password
     */
    static ServerProcess launch(
            Path dir,
            int port,
            int saslPort,
            int controllerPort,
            List<String> jvmOptions,
            String scramUser,
            String scramPassword) {
        String classpath = ServerClasspath.of(ServerClasspath.KAFKA);
        Path logDirs = dir.resolve("logs");
        Path properties = dir.resolve("server.properties");
        Path log = dir.resolve("kafka.log");
        write(properties, serverProperties(logDirs, port, saslPort, controllerPort));
        if (!Files.exists(logDirs.resolve("meta.properties"))) {
            // a fresh cluster id per data folder; a restart on the same folder keeps its topics
            ServerProcess.runTool(
                    "Kafka storage format",
                    classpath,
                    jvmOptions,
                    STORAGE_TOOL,
                    List.of(
                            "format",
                            "-t",
                            Uuid.randomUuid().toString(),
                            "-c",
                            properties.toString(),
                            "--add-scram",
                            SCRAM_MECHANISM + "=[name=" + scramUser + ",password=" + scramPassword + "]",
                            "--ignore-formatted"),
                    log,
                    Duration.ofSeconds(60));
        }
        List<String> options = new java.util.ArrayList<>(jvmOptions);
        // slf4j-simple writes to stderr, which goes to kafka.log
        options.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=info");
        options.add("-Dorg.slf4j.simpleLogger.showDateTime=true");
        options.add("-Dorg.slf4j.simpleLogger.dateTimeFormat=yyyy-MM-dd'T'HH:mm:ss.SSS");
        options.add("-Dorg.slf4j.simpleLogger.log.state.change.logger=warn");
        return ServerProcess.launch("Kafka", classpath, options, MAIN_CLASS, List.of(properties.toString()), log);
    }

    static String serverProperties(Path logDirs, int port, int saslPort, int controllerPort) {
        String host = "127.0.0.1";
        return String.join(
                "\n",
                "# written by org.denoiselab.infra.LocalRuntime; rewritten on every start",
                "process.roles=broker,controller",
                "node.id=1",
                "controller.quorum.voters=1@" + host + ":" + controllerPort,
                "listeners=PLAINTEXT://" + host + ":" + port + ",SASL_PLAINTEXT://" + host + ":" + saslPort
                        + ",CONTROLLER://" + host + ":" + controllerPort,
                "advertised.listeners=PLAINTEXT://" + host + ":" + port + ",SASL_PLAINTEXT://" + host + ":" + saslPort,
                "controller.listener.names=CONTROLLER",
                "inter.broker.listener.name=PLAINTEXT",
                "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT,CONTROLLER:PLAINTEXT",
                // SCRAM users live in the cluster metadata (made at format time); no authorizer: any user may do
                // anything
                "sasl.enabled.mechanisms=" + SCRAM_MECHANISM,
                "listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config="
                        + "org.apache.kafka.common.security.scram.ScramLoginModule required;",
                "log.dirs=" + logDirs.toAbsolutePath(),
                // one node: every internal topic has one replica; topics are created explicitly by the services
                "auto.create.topics.enable=false",
                "num.partitions=1",
                "default.replication.factor=1",
                "min.insync.replicas=1",
                "offsets.topic.replication.factor=1",
                "offsets.topic.num.partitions=1",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "transaction.state.log.num.partitions=1",
                // consumers join at once instead of waiting for more members
                "group.initial.rebalance.delay.ms=0",
                "");
    }

    /** True once the broker answers a describeCluster with itself as a node. */
    static boolean answers(String bootstrapServers) {
        Map<String, Object> config = Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 3000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3000,
                AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 200);
        try (Admin admin = Admin.create(config)) {
            return !admin.describeCluster().nodes().get(4, TimeUnit.SECONDS).isEmpty();
        } catch (ExecutionException | TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for Kafka", e);
        }
    }

    static void write(Path file, String text) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
