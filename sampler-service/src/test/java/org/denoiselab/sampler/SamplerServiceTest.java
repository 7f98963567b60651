package org.denoiselab.sampler;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.denoiselab.pipeline.events.DeadLetter;
import org.denoiselab.pipeline.kafka.KafkaClients;
import org.denoiselab.pipeline.kafka.PipelineProducer;
import org.denoiselab.pipeline.kafka.Topics;
import org.denoiselab.service.LocalRuntimeResource;
import org.junit.jupiter.api.Test;

/**
 * The sampler against a real broker and S3 server. A checkpoint event it cannot read is dead-lettered
 * with its bytes and the service stays ready. (Sampling a real checkpoint needs core's SampleJob, from
 * the jobs branch; the pipeline's end-to-end test covers it once merged.)
 */
@QuarkusTest
@WithTestResource(LocalRuntimeResource.class)
class SamplerServiceTest {
    @Test
    void unreadableCheckpointEventIsDeadLetteredAndTheServiceStaysReady() {
        String bootstrap = LocalRuntimeResource.runtime().bootstrapServers();
        byte[] bad = "{\"schemaVersion\": 1, \"runId\": \"r1\", \"epoch\": \"three\"}".getBytes(StandardCharsets.UTF_8);
        try (PipelineProducer producer = new PipelineProducer(KafkaClients.producer(bootstrap, "test"))) {
            producer.publish(Topics.CHECKPOINTS, "r1", bad);
        }
        DeadLetter letter = awaitLetter(bootstrap, "r1");
        assertArrayEquals(bad, letter.originalValue());
        assertTrue(letter.reason().startsWith("epoch"), letter.reason());
        given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
        given().get("/q/metrics")
                .then()
                .statusCode(200)
                .body(containsString(
                        "pipeline_records_dead_lettered_total{group=\"samplers\",topic=\"checkpoints\"} 1.0"));
    }

    private static DeadLetter awaitLetter(String bootstrap, String key) {
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(KafkaClients.reader(bootstrap, "test-reader"))) {
            TopicPartition tp = new TopicPartition(Topics.DEAD_LETTER, 0);
            c.assign(List.of(tp));
            c.seekToBeginning(List.of(tp));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            List<ConsumerRecord<String, byte[]>> read = new ArrayList<>();
            while (true) {
                Optional<ConsumerRecord<String, byte[]>> hit =
                        read.stream().filter(r -> key.equals(r.key())).findFirst();
                if (hit.isPresent()) {
                    return DeadLetter.decode(hit.get().value());
                }
                assertTrue(System.nanoTime() < deadline, "no dead letter for " + key);
                c.poll(Duration.ofMillis(200)).forEach(read::add);
            }
        }
    }
}
