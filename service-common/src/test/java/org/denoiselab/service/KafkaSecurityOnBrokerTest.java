package org.denoiselab.service;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.denoiselab.infra.LocalRuntime;
import org.denoiselab.pipeline.kafka.KafkaClients;
import org.denoiselab.pipeline.kafka.PipelineProducer;
import org.denoiselab.pipeline.kafka.Topics;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Kafka settings of a cluster against a real broker (the local runtime's SCRAM-SHA-512 listener): the
 * connection KafkaSecurity builds from the KAFKA_* settings authenticates admin, producer, group consumer and
 * reader; a wrong password is refused; with topics managed externally a missing topic is named at start-up.
 */
class KafkaSecurityOnBrokerTest {
    @TempDir
    static Path dir;

    static LocalRuntime runtime;

    @BeforeAll
    static void start() {
        runtime = LocalRuntime.start(LocalRuntime.Config.in(dir));
    }

    @AfterAll
    static void stop() {
        if (runtime != null) {
            runtime.close();
        }
    }

    /** the connection as a service builds it from its settings (environment KAFKA_*) */
    private static KafkaClients.Connection scram(String jaas) {
        return KafkaSecurity.connection(new KafkaConfig() {
            @Override
            public String bootstrapServers() {
                return runtime.saslBootstrapServers();
            }

            @Override
            public java.util.Optional<String> securityProtocol() {
                return java.util.Optional.of("SASL_PLAINTEXT");
            }

            @Override
            public java.util.Optional<String> saslMechanism() {
                return java.util.Optional.of("SCRAM-SHA-512");
            }

            @Override
            public java.util.Optional<String> saslJaasConfig() {
                return java.util.Optional.of(jaas);
            }

            @Override
            public java.util.Optional<String> sslTruststoreType() {
                return java.util.Optional.empty();
            }

            @Override
            public java.util.Optional<String> sslTruststoreLocation() {
                return java.util.Optional.empty();
            }
        });
    }

    @Test
    void everyClientAuthenticatesWithScramAndExternallyManagedTopicsAreChecked() throws Exception {
        KafkaClients.Connection connection = scram(runtime.scramJaasConfig());
        try (Admin admin = KafkaClients.admin(connection, "test-admin")) {
            // a fresh broker: the topics a consumer needs are named when missing
            IllegalStateException missing = assertThrows(
                    IllegalStateException.class,
                    () -> Topics.requireExisting(admin, List.of(Topics.RUNS, Topics.DEAD_LETTER)));
            assertTrue(
                    missing.getMessage().contains("dead-letter, runs")
                            && missing.getMessage().contains("DENOISE_KAFKA_CREATE_TOPICS"),
                    missing.getMessage());
            Topics.ensureTopics(admin);
            Topics.requireExisting(admin, List.of(Topics.RUNS, Topics.DEAD_LETTER));
        }
        byte[] value = "{\"hello\": 1}".getBytes(StandardCharsets.UTF_8);
        try (PipelineProducer producer = new PipelineProducer(KafkaClients.producer(connection, "test-producer"))) {
            producer.publish(Topics.EXPERIMENTS, "k1", value);
        }
        assertArrayEquals(value, readOne(KafkaClients.reader(connection, "test-reader"), false));
        assertArrayEquals(value, readOne(KafkaClients.groupConsumer(connection, "test-group", "test-member"), true));
    }

    @Test
    void aWrongPasswordIsRefusedByTheBroker() {
        KafkaClients.Connection wrong =
                scram(runtime.scramJaasConfig().replace(runtime.secretKey(), "not-the-password"));
        try (Admin admin = KafkaClients.admin(wrong, "test-wrong")) {
            ExecutionException e = assertThrows(
                    ExecutionException.class,
                    () -> admin.describeCluster().nodes().get(30, TimeUnit.SECONDS));
            assertInstanceOf(SaslAuthenticationException.class, e.getCause(), e.toString());
        }
    }

    private static byte[] readOne(Map<String, Object> config, boolean group) {
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(config)) {
            if (group) {
                c.subscribe(List.of(Topics.EXPERIMENTS));
            } else {
                List<TopicPartition> parts = new ArrayList<>();
                c.partitionsFor(Topics.EXPERIMENTS)
                        .forEach(p -> parts.add(new TopicPartition(p.topic(), p.partition())));
                c.assign(parts);
                c.seekToBeginning(parts);
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
                    assertEquals("k1", r.key());
                    return r.value();
                }
            }
        }
        throw new AssertionError("nothing read from " + Topics.EXPERIMENTS + " within 60 s");
    }
}
