package org.denoiselab.jobs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.denoiselab.experiment.json.Json;
import org.denoiselab.infra.LocalRuntime;
import org.denoiselab.pipeline.kafka.ConsumerLoop;
import org.denoiselab.pipeline.kafka.KafkaClients;
import org.denoiselab.pipeline.kafka.PipelineProducer;
import org.denoiselab.pipeline.kafka.Topics;
import org.denoiselab.pipeline.store.Sha256;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reported stall, against the real broker: a malformed record of 790 KB on a topic with the broker's
 * default limits (1 MiB) made a dead letter (its bytes in base64, 1.05 MB) the broker refused, and the consumer
 * retried it every ~1.2 s forever; the record behind it was never handled. Now the letter keeps a bounded
 * prefix with the original's size and SHA-256, and the next record is handled.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StalledPartitionTest {
    private static final String TOPIC = "stall-test";

    @TempDir
    static Path temp;

    private LocalRuntime runtime;

    @BeforeAll
    void start() throws Exception {
        runtime = LocalRuntime.start(LocalRuntime.Config.in(temp.resolve("runtime")));
        try (Admin admin = KafkaClients.admin(runtime.bootstrapServers(), "test-admin")) {
            Topics.ensureTopics(admin);
            admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1))).all().get();
        }
    }

    @AfterAll
    void stop() {
        if (runtime != null) {
            runtime.close();
        }
    }

    @Test
    void aHugeMalformedRecordIsDeadLetteredBoundedAndTheNextOneIsHandled() throws Exception {
        byte[] huge = new byte[790 * 1024];
        new Random(7).nextBytes(huge);
        huge[0] = '{'; // starts like JSON, then garbage
        List<String> handled = new CopyOnWriteArrayList<>();
        try (PipelineProducer producer =
                        new PipelineProducer(KafkaClients.producer(runtime.bootstrapServers(), "test-producer"));
                ConsumerLoop loop = new ConsumerLoop(
                        TOPIC,
                        KafkaClients.groupConsumer(runtime.bootstrapServers(), "stall-group", "stall-consumer"),
                        (record, cancelled) -> {
                            Json.decode(record.value(), JsonNode.class); // MessageException for the garbage
                            handled.add(record.key());
                        },
                        producer,
                        new SimpleMeterRegistry(),
                        new ConsumerLoop.Options(
                                Duration.ofMillis(200), 3, Duration.ofMillis(500), Duration.ofSeconds(5)))) {
            producer.publish(TOPIC, "huge", huge);
            producer.publish(TOPIC, "after", "{\"ok\": true}".getBytes(StandardCharsets.UTF_8));
            long t0 = System.nanoTime();
            loop.start();
            long deadline = t0 + Duration.ofSeconds(60).toNanos();
            while (!handled.contains("after") && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertEquals(List.of("after"), handled, "the record behind the huge one is handled");
            System.out.printf("stall-test: next record handled %.1f s after start%n", (System.nanoTime() - t0) / 1e9);
        }
        JsonNode letter = deadLetters().stream()
                .filter(r -> "huge".equals(r.key()))
                .map(r -> Json.decode(r.value(), JsonNode.class))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no dead letter for the huge record"));
        assertEquals(huge.length, letter.path("originalSizeBytes").asLong());
        assertEquals(Sha256.hex(huge), letter.path("originalSha256").asText());
        assertTrue(letter.path("truncated").asBoolean());
        byte[] kept = Base64.getDecoder().decode(letter.path("valueBase64").asText());
        assertArrayEquals(java.util.Arrays.copyOf(huge, kept.length), kept, "a prefix of the original");
        assertTrue(kept.length > 0 && kept.length < 100 * 1024, kept.length + " bytes kept");
        assertTrue(
                letter.path("reason").asText().contains("invalid JSON"),
                letter.path("reason").asText());
    }

    private List<ConsumerRecord<String, byte[]>> deadLetters() {
        List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
        Map<String, Object> config = KafkaClients.reader(runtime.bootstrapServers(), "test-reader");
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(config)) {
            TopicPartition p = new TopicPartition(Topics.DEAD_LETTER, 0);
            c.assign(List.of(p));
            c.seekToBeginning(List.of(p));
            long end = c.endOffsets(List.of(p)).get(p);
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (c.position(p) < end && System.nanoTime() < deadline) {
                c.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        return out;
    }
}
