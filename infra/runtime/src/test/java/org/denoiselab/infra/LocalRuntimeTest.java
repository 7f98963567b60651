package org.denoiselab.infra;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.minio.BucketExistsArgs;
import io.minio.GetObjectArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Real servers on real sockets: start, use with the plain clients, stop; twice on one data folder. */
class LocalRuntimeTest {

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void startsServesAndStopsCleanlyTwice(@TempDir Path data) throws Exception {
        byte[] firstObject = null;
        List<Boolean> serversUpWhenClientClosed = new java.util.ArrayList<>();
        for (int round = 1; round <= 2; round++) {
            LocalRuntime runtime = LocalRuntime.start(LocalRuntime.Config.in(data));
            List<Long> pids;
            List<Integer> ports;
            try {
                System.out.printf(
                        "round %d: Kafka ready in %d ms, S3Proxy ready in %d ms%n",
                        round,
                        runtime.kafkaStartup().toMillis(),
                        runtime.s3Startup().toMillis());
                pids = runtime.pids();
                ports = List.of(runtime.kafkaPort(), runtime.kafkaControllerPort(), runtime.s3Port());
                assertEquals(2, pids.size());
                // a client of the servers (the services, in the main job) is closed first, while both still answer
                int kafkaPort = runtime.kafkaPort();
                int s3Port = runtime.s3Port();
                runtime.closeBeforeStopping(
                        () -> serversUpWhenClientClosed.add(!Ports.isFree(kafkaPort) && !Ports.isFree(s3Port)));

                String value = "experiment-" + round;
                assertEquals(value, roundTripRecord(runtime, "events-" + round, value));

                MinioClient s3 = MinioClient.builder()
                        .endpoint(runtime.s3Endpoint())
                        .credentials(runtime.accessKey(), runtime.secretKey())
                        .build();
                byte[] bytes = new byte[1 << 20];
                new Random(round).nextBytes(bytes);
                if (!s3.bucketExists(
                        BucketExistsArgs.builder().bucket("checkpoints").build())) {
                    s3.makeBucket(MakeBucketArgs.builder().bucket("checkpoints").build());
                }
                s3.putObject(
                        PutObjectArgs.builder().bucket("checkpoints").object("round-" + round + "/weights.bin").stream(
                                        new ByteArrayInputStream(bytes), bytes.length, -1)
                                .build());
                assertArrayEquals(bytes, get(s3, "round-" + round + "/weights.bin"));
                if (round == 1) {
                    firstObject = bytes;
                } else {
                    // same data folder: what the first run stored is still there after a restart
                    assertArrayEquals(firstObject, get(s3, "round-1/weights.bin"));
                }
            } finally {
                long stopping = System.nanoTime();
                runtime.close();
                System.out.printf(
                        "round %d: stopped, ports free, in %d ms%n", round, (System.nanoTime() - stopping) / 1_000_000);
            }
            assertEquals(
                    List.of(true), serversUpWhenClientClosed, "the client was closed once, before the servers stopped");
            serversUpWhenClientClosed.clear();
            for (long pid : pids) {
                assertFalse(
                        ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "process " + pid + " alive");
            }
            for (int port : ports) {
                assertTrue(Ports.isFree(port), "port " + port + " still taken after close");
            }
        }
    }

    private static String roundTripRecord(LocalRuntime runtime, String topic, String value) throws Exception {
        try (Admin admin =
                Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, runtime.bootstrapServers()))) {
            // auto-creation is off, as in the cluster
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get(20, TimeUnit.SECONDS);
        }
        Properties producerProps = new Properties();
        producerProps.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, runtime.bootstrapServers());
        producerProps.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, String> producer =
                new KafkaProducer<>(producerProps, new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(topic, "key", value)).get(20, TimeUnit.SECONDS);
        }
        Properties consumerProps = new Properties();
        consumerProps.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, runtime.bootstrapServers());
        consumerProps.put(ConsumerConfig.GROUP_ID_CONFIG, "test-" + topic);
        consumerProps.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        try (KafkaConsumer<String, String> consumer =
                new KafkaConsumer<>(consumerProps, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
                    return record.value();
                }
            }
        }
        return "(no record consumed from " + topic + ")";
    }

    private static byte[] get(MinioClient s3, String key) throws Exception {
        try (InputStream in = s3.getObject(
                GetObjectArgs.builder().bucket("checkpoints").object(key).build())) {
            return in.readAllBytes();
        }
    }

    @Test
    void missingClasspathFileIsNamed(@TempDir Path dir) {
        String property = "denoiselab.infra.kafka-server.classpath";
        Path missing = dir.resolve("nope.classpath");
        System.setProperty(property, missing.toString());
        try {
            IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(
                    IllegalStateException.class, () -> ServerClasspath.of(ServerClasspath.KAFKA));
            assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
        } finally {
            System.clearProperty(property);
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void failedStartReportsTheServerLogAndLeavesNothingRunning(@TempDir Path dir) throws Exception {
        // a classpath without Kafka: the storage format tool cannot even load its main class
        Path classpath = dir.resolve("broken.classpath");
        java.nio.file.Files.writeString(classpath, dir.toString());
        String property = "denoiselab.infra.kafka-server.classpath";
        System.setProperty(property, classpath.toString());
        int s3Port = Ports.free();
        try {
            IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(
                    IllegalStateException.class,
                    () -> LocalRuntime.start(
                            LocalRuntime.Config.in(dir.resolve("data")).withS3Port(s3Port)));
            assertTrue(e.getMessage().contains("kafka.tools.StorageTool"), e.getMessage());
            assertTrue(e.getMessage().contains("kafka.log"), e.getMessage());
        } finally {
            System.clearProperty(property);
        }
        // S3Proxy had been launched first; the failed start stopped it again
        assertTrue(Ports.isFree(s3Port), "S3 port " + s3Port + " still taken");
    }

    @Test
    void badConfigNamesTheField(@TempDir Path dir) {
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(
                IllegalArgumentException.class,
                () -> LocalRuntime.Config.in(dir).withS3Port(70000));
        assertTrue(e.getMessage().startsWith("s3Port"), e.getMessage());
    }
}
