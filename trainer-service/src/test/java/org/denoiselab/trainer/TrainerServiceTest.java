package org.denoiselab.trainer;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.denoiselab.pipeline.events.DeadLetter;
import org.denoiselab.pipeline.events.RunEvent;
import org.denoiselab.pipeline.events.RunStatus;
import org.denoiselab.pipeline.kafka.KafkaClients;
import org.denoiselab.pipeline.kafka.PipelineProducer;
import org.denoiselab.pipeline.kafka.Topics;
import org.denoiselab.service.LocalRuntimeResource;
import org.junit.jupiter.api.Test;

/** The trainer against a real broker and S3 server: intake over Kafka and HTTP, dead letters, the runs view. */
@QuarkusTest
@WithTestResource(LocalRuntimeResource.class)
class TrainerServiceTest {
    private static final Duration WAIT = Duration.ofSeconds(60);

    /** a tiny sweep: toy data, one dimension, two predictions = two runs of one short epoch */
    private static final String GOOD = """
            {"experimentId": "exp-good", "preset": "toy", "prediction": ["x", "v"],
             "dataset": {"toyDim": 2, "limit": 128},
             "train": {"epochs": 1, "batchSize": 64, "checkpointEvery": 1},
             "sampling": {"steps": 4, "gridSize": 2, "numEval": 16}}
            """;

    /** one bad request of each kind, with the field its dead letter must name */
    private static final Map<String, String[]> BAD = new LinkedHashMap<>();

    static {
        BAD.put("bad-json", new String[] {"{\"preset\": \"quick\", \"train\": {\"epochs\": 2", "invalid JSON"});
        BAD.put("unknown-field", new String[] {"{\"preset\": \"quick\", \"sampling\": {\"stepz\": 3}}", "sampling.stepz"
        });
        BAD.put("unknown-value", new String[] {"{\"preset\": \"quick\", \"prediction\": \"q\"}", "prediction"});
        BAD.put("patch", new String[] {"{\"preset\": \"fmnist\", \"model\": {\"patch\": [4, 5]}}", "model.patch[1]"});
        BAD.put(
                "negative-size",
                new String[] {"{\"preset\": \"quick\", \"train\": {\"batchSize\": -4}}", "train.batchSize"});
        BAD.put("no-dataset", new String[] {"{\"preset\": \"cifar10\"}", "dataset.location"});
        BAD.put("missing-dataset", new String[] {
            "{\"preset\": \"fmnist\", \"dataset\": {\"location\": \"/usr/share/datasets/nowhere\"}}",
            "dataset.location: no dataset at '/usr/share/datasets/nowhere'"
        });
        // outside the data roots (DENOISE_DATA_ROOTS, default /usr/share/datasets): refused without looking
        BAD.put("outside-roots", new String[] {
            "{\"preset\": \"fmnist\", \"dataset\": {\"location\": \"/etc\"}}",
            "dataset.location: '/etc' is outside the allowed data roots (/usr/share/datasets)"
        });
        BAD.put("escape-roots", new String[] {
            "{\"preset\": \"fmnist\", \"dataset\": {\"location\": \"/usr/share/datasets/../../../etc\"}}",
            "dataset.location: '/usr/share/datasets/../../../etc' is outside the allowed data roots"
        });
        BAD.put("dataset-key", new String[] {
            "{\"preset\": \"fmnist\", \"dataset\": {\"location\": \"models/classifier-fmnist\"}}",
            "dataset.location: 'models/classifier-fmnist' is not an absolute path"
        });
        BAD.put("stats-outside", new String[] {
            "{\"preset\": \"quick\", \"evaluation\": {\"referenceStats\": \"/etc/passwd\"}}",
            "evaluation.referenceStats: '/etc/passwd' is outside the allowed data roots"
        });
        BAD.put("stats-key", new String[] {
            "{\"preset\": \"quick\", \"evaluation\": {\"referenceStats\": \"runs/r1/checkpoints/epoch-0001.safetensors\"}}",
            "evaluation.referenceStats: 'runs/r1/checkpoints/epoch-0001.safetensors' is neither a path under"
        });
        BAD.put("stats-missing", new String[] {
            "{\"preset\": \"quick\", \"evaluation\": {\"referenceStats\": \"stats/none.npz\"}}",
            "evaluation.referenceStats: no object 'stats/none.npz' in bucket"
        });
    }

    @Test
    void badRequestsAreDeadLetteredAndAGoodOneAfterThemIsQueued() {
        String bootstrap = LocalRuntimeResource.runtime().bootstrapServers();
        try (PipelineProducer producer = new PipelineProducer(KafkaClients.producer(bootstrap, "test"))) {
            BAD.forEach(
                    (key, bad) -> producer.publish(Topics.EXPERIMENTS, key, bad[0].getBytes(StandardCharsets.UTF_8)));
            producer.publish(Topics.EXPERIMENTS, "exp-good", GOOD.getBytes(StandardCharsets.UTF_8));
        }

        List<ConsumerRecord<String, byte[]>> letters = readUntil(
                Topics.DEAD_LETTER,
                r -> r.stream()
                        .map(ConsumerRecord::key)
                        .collect(Collectors.toSet())
                        .containsAll(BAD.keySet()));
        for (ConsumerRecord<String, byte[]> record : letters) {
            DeadLetter letter = DeadLetter.decode(record.value());
            String[] bad = BAD.get(letter.key());
            if (bad == null) continue;
            assertEquals(Topics.EXPERIMENTS, letter.sourceTopic());
            assertArrayEquals(
                    bad[0].getBytes(StandardCharsets.UTF_8), letter.originalValue(), letter.key() + ": original bytes");
            assertTrue(
                    letter.reason().contains(bad[1]),
                    letter.key() + ": reason '" + letter.reason() + "' should name " + bad[1]);
        }
        assertEquals(
                BAD.size(),
                letters.stream().filter(r -> BAD.containsKey(r.key())).count(),
                "one letter per bad request");

        Set<String> runIds = readUntil(Topics.RUNS, r -> r.size() >= 2).stream()
                .map(r -> RunEvent.decode(r.value()))
                .filter(e -> e.experimentId().equals("exp-good"))
                .map(RunEvent::runId)
                .collect(Collectors.toSet());
        assertEquals(2, runIds.size(), "one RunEvent per run of the sweep: " + runIds);
        List<RunStatus> queued = readUntil(Topics.RUN_STATUS, r -> queuedRuns(r).containsAll(runIds)).stream()
                .map(r -> RunStatus.decode(r.value()))
                .filter(s -> s.state() == RunStatus.State.QUEUED)
                .toList();
        assertTrue(queued.stream()
                .map(RunStatus::runId)
                .collect(Collectors.toSet())
                .containsAll(runIds));

        // the view behind GET /runs follows run-status
        for (String runId : runIds) {
            awaitStatus(runId, 200);
            given().get("/runs/" + runId).then().statusCode(200).body("experimentId", equalTo("exp-good"));
        }
        given().get("/runs")
                .then()
                .statusCode(200)
                .body("runId", hasItem(runIds.iterator().next()));
        given().get("/runs/no-such-run").then().statusCode(404);

        // this replica trains both runs: per-run gauges while each is in hand, none left once both ended
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        for (String runId : runIds) {
            while (!"COMPLETED".equals(given().get("/runs/" + runId).path("state"))) {
                assertTrue(System.nanoTime() < deadline, "run " + runId + " did not complete");
                sleep();
            }
        }
        String metrics =
                given().get("/q/metrics").then().statusCode(200).extract().asString();
        java.util.regex.Matcher completed = java.util.regex.Pattern.compile("trainer_runs_completed_total ([0-9.]+)")
                .matcher(metrics);
        assertTrue(completed.find() && Double.parseDouble(completed.group(1)) >= 2, metrics);
        assertTrue(!metrics.contains("trainer_run_loss{") && !metrics.contains("trainer_run_epoch{"), metrics);
    }

    @Test
    void postAnswers202WithIdsOr400WithReasons() {
        String id = authorized()
                .contentType("application/json")
                .body(GOOD.replace("\"experimentId\": \"exp-good\", ", ""))
                .post("/experiments")
                .then()
                .statusCode(202)
                .body("experimentId", startsWith("exp-"))
                .body("runIds", hasSize(2))
                .extract()
                .path("experimentId");
        // published under its new id, with the id filled in
        ConsumerRecord<String, byte[]> published =
                readUntil(Topics.EXPERIMENTS, r -> r.stream().anyMatch(x -> id.equals(x.key()))).stream()
                        .filter(x -> id.equals(x.key()))
                        .findFirst()
                        .orElseThrow();
        assertTrue(new String(published.value(), StandardCharsets.UTF_8).contains(id));

        authorized()
                .contentType("application/json")
                .body("{\"preset\": \"quick\", \"model\": {\"patch\": 5}}")
                .post("/experiments")
                .then()
                .statusCode(400)
                .body("problems.field", hasItem("model.patch[0]"));
        authorized()
                .contentType("application/json")
                .body("{\"preset\": ")
                .post("/experiments")
                .then()
                .statusCode(400)
                .body("error", containsString("invalid JSON"));
        authorized()
                .contentType("application/json")
                .body("{\"preset\": \"quick\", \"colour\": 1}")
                .post("/experiments")
                .then()
                .statusCode(400)
                .body("problems.field", hasItem("colour"));
    }

    /** a path outside the data roots gets one answer whether it exists or not: no endpoint probes the file system */
    @Test
    void pathsOutsideTheDataRootsAreRefusedAliveOrNot() {
        String existing = refusal("/etc/passwd");
        String missing = refusal("/etc/no-such-file");
        assertEquals(
                "dataset.location: '/etc/passwd' is outside the allowed data roots (/usr/share/datasets)", existing);
        assertEquals(existing.replace("/etc/passwd", "P"), missing.replace("/etc/no-such-file", "P"));
        String stats = authorized()
                .contentType("application/json")
                .body("{\"preset\": \"quick\", \"evaluation\": {\"referenceStats\": \"/proc/self/environ\"}}")
                .post("/experiments")
                .then()
                .statusCode(400)
                .extract()
                .path("problems[0].field");
        assertEquals("evaluation.referenceStats", stats);
    }

    private static String refusal(String location) {
        return authorized()
                .contentType("application/json")
                .body("{\"preset\": \"fmnist\", \"dataset\": {\"location\": \"" + location + "\"}}")
                .post("/experiments")
                .then()
                .statusCode(400)
                .extract()
                .path("error");
    }

    /** POST /experiments needs the bearer token: none, a wrong one or another scheme is 401 and publishes nothing */
    @Test
    void postWithoutTheTokenIs401AndReadsStayOpen() {
        String body = "{\"experimentId\": \"exp-unauthorized\", \"preset\": \"quick\"}";
        given().contentType("application/json")
                .body(body)
                .post("/experiments")
                .then()
                .statusCode(401)
                .header("WWW-Authenticate", startsWith("Bearer"));
        given().contentType("application/json")
                .header("Authorization", "Bearer not-the-token-0123456789abcdef0123456789")
                .body(body)
                .post("/experiments")
                .then()
                .statusCode(401);
        given().contentType("application/json")
                .header("Authorization", "Basic " + LocalRuntimeResource.API_TOKEN)
                .body(body)
                .post("/experiments")
                .then()
                .statusCode(401);
        given().get("/runs").then().statusCode(200);
        given().get("/q/health/ready").then().statusCode(200);
        given().get("/q/metrics").then().statusCode(200);
        // nothing was published for the refused requests
        authorized()
                .contentType("application/json")
                .body(GOOD.replace("exp-good", "exp-authorized"))
                .post("/experiments")
                .then()
                .statusCode(202);
        List<ConsumerRecord<String, byte[]>> requests =
                readUntil(Topics.EXPERIMENTS, r -> r.stream().anyMatch(x -> "exp-authorized".equals(x.key())));
        assertTrue(requests.stream().noneMatch(x -> "exp-unauthorized".equals(x.key())), "refused = not published");
    }

    private static io.restassured.specification.RequestSpecification authorized() {
        return given().header("Authorization", "Bearer " + LocalRuntimeResource.API_TOKEN);
    }

    /**
     * One request size limit everywhere: the HTTP body limit, the experiments topic's max.message.bytes and the
     * intake's own check agree, and each refuses what is over it.
     */
    @Test
    void requestSizeLimitsAgreeAndAreEnforced() throws Exception {
        long httpLimit = org.eclipse.microprofile.config.ConfigProvider.getConfig()
                .getValue("quarkus.http.limits.max-body-size", io.quarkus.runtime.configuration.MemorySize.class)
                .asLongValue();
        assertEquals(org.denoiselab.experiment.Experiments.MAX_REQUEST_BYTES, httpLimit, "HTTP body limit");
        String bootstrap = LocalRuntimeResource.runtime().bootstrapServers();
        try (org.apache.kafka.clients.admin.Admin admin = KafkaClients.admin(bootstrap, "test-admin")) {
            org.apache.kafka.common.config.ConfigResource topic = new org.apache.kafka.common.config.ConfigResource(
                    org.apache.kafka.common.config.ConfigResource.Type.TOPIC, Topics.EXPERIMENTS);
            String max = admin.describeConfigs(List.of(topic))
                    .all()
                    .get()
                    .get(topic)
                    .get("max.message.bytes")
                    .value();
            assertEquals(org.denoiselab.experiment.Experiments.MAX_REQUEST_BYTES + 4096, Integer.parseInt(max));
        }
        // over the limit: 413 over HTTP, refused by the broker on the topic
        String huge = "{\"preset\": \"quick\", \"experimentId\": \"" + "x".repeat(300 * 1024) + "\"}";
        authorized()
                .contentType("application/json")
                .body(huge)
                .post("/experiments")
                .then()
                .statusCode(413);
        try (PipelineProducer producer = new PipelineProducer(KafkaClients.producer(bootstrap, "test-big"))) {
            PipelineProducer.PublishException e = org.junit.jupiter.api.Assertions.assertThrows(
                    PipelineProducer.PublishException.class,
                    () -> producer.publish(Topics.EXPERIMENTS, "huge", huge.getBytes(StandardCharsets.UTF_8)));
            assertTrue(e.getMessage().contains("RecordTooLarge"), e.getMessage());
        }
        // under the HTTP limit but over what a request may be is impossible by construction; the intake's check
        // refuses a record that reached a topic created with other settings
        org.denoiselab.experiment.json.MessageException refused = org.junit.jupiter.api.Assertions.assertThrows(
                org.denoiselab.experiment.json.MessageException.class,
                () -> org.denoiselab.experiment.Experiments.accept(huge.getBytes(StandardCharsets.UTF_8), l -> true));
        assertTrue(refused.getMessage().contains("larger than the limit of 262144 bytes"), refused.getMessage());
    }

    /** a reference-statistics key the store cannot check now is 503 at once, not "no file" after its retries */
    @Test
    void aStoreThatDoesNotAnswerIs503NotAMissingFile() {
        LocalRuntimeResource.runtime().stopS3();
        try {
            long t0 = System.nanoTime();
            authorized()
                    .contentType("application/json")
                    .body("{\"preset\": \"quick\", \"evaluation\": {\"referenceStats\": \"stats/mine.npz\"}}")
                    .post("/experiments")
                    .then()
                    .statusCode(503)
                    .header("Retry-After", "30")
                    .body("error", containsString("object store does not answer"))
                    .body("problems[0].field", org.hamcrest.Matchers.equalTo("evaluation.referenceStats"));
            assertTrue(System.nanoTime() - t0 < 15_000_000_000L, "answered without waiting out the retries");
        } finally {
            LocalRuntimeResource.runtime().startS3();
        }
    }

    private static Set<String> queuedRuns(List<ConsumerRecord<String, byte[]>> records) {
        return records.stream()
                .map(r -> RunStatus.decode(r.value()))
                .filter(s -> s.state() == RunStatus.State.QUEUED)
                .map(RunStatus::runId)
                .collect(Collectors.toSet());
    }

    private static void awaitStatus(String runId, int code) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (given().get("/runs/" + runId).statusCode() != code) {
            assertTrue(System.nanoTime() < deadline, "GET /runs/" + runId + " never answered " + code);
            sleep();
        }
    }

    /** Reads the whole topic from the beginning until {@code done} holds for what was read. */
    static List<ConsumerRecord<String, byte[]>> readUntil(
            String topic, Predicate<List<ConsumerRecord<String, byte[]>>> done) {
        Map<String, Object> config =
                KafkaClients.reader(LocalRuntimeResource.runtime().bootstrapServers(), "test-reader");
        List<ConsumerRecord<String, byte[]>> read = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(config)) {
            List<TopicPartition> parts = c.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition()))
                    .toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (!done.test(read)) {
                assertTrue(
                        System.nanoTime() < deadline, "timed out reading " + topic + " (" + read.size() + " records)");
                c.poll(Duration.ofMillis(200)).forEach(read::add);
            }
        }
        assertNotNull(read);
        return read;
    }

    private static void sleep() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
