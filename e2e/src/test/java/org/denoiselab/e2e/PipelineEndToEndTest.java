package org.denoiselab.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.denoiselab.experiment.json.Json;
import org.denoiselab.infra.HeadlessChromium;
import org.denoiselab.infra.LocalRuntime;
import org.denoiselab.infra.LocalServices;
import org.denoiselab.pipeline.events.CheckpointEvent;
import org.denoiselab.pipeline.events.DeadLetter;
import org.denoiselab.pipeline.events.EvaluationEvent;
import org.denoiselab.pipeline.events.SamplesEvent;
import org.denoiselab.pipeline.kafka.KafkaClients;
import org.denoiselab.pipeline.kafka.Topics;
import org.denoiselab.pipeline.store.ObjectLayout;
import org.denoiselab.pipeline.store.ObjectStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The product's shape with nothing mocked: a real Kafka broker and S3 server (LocalRuntime) and the three
 * packaged services as processes. One tiny experiment goes in through POST /experiments; a checkpoint,
 * a grid, a sample batch and an evaluation come out, in order, with matching checksums.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PipelineEndToEndTest {
    /** a few seconds of training: 256 Fashion-MNIST images, one epoch, 64 samples with 3 Heun steps */
    private static final String TINY = """
        {"schemaVersion": 1, "preset": "quick", "dataset": {"limit": 256},
         "train": {"epochs": 1, "batchSize": 64}, "sampling": {"numEval": 64, "steps": 3, "gridSize": 4}}
        """;

    @TempDir
    static Path dir;

    static LocalRuntime runtime;
    static LocalServices services;
    static ObjectStore store;
    static String runId;
    /** the run of the third test: six epochs, resumed by a second trainer */
    static String resumedRun;

    static String resumedExperiment;

    @BeforeAll
    static void start() {
        Assumptions.assumeTrue(
                Files.isDirectory(Path.of("/usr/share/datasets/fashion-mnist")),
                "needs Debian's dataset-fashion-mnist (bin/test installs it)");
        runtime = LocalRuntime.start(LocalRuntime.Config.in(dir.resolve("runtime")));
        services = LocalServices.start(
                runtime,
                Path.of("..").toAbsolutePath().normalize(),
                dir.resolve("logs"),
                Map.of(
                        "denoise.eval.classifier-images",
                        "1024",
                        "denoise.eval.classifier-epochs",
                        "1",
                        "denoise.eval.reference-images",
                        "512",
                        "LOG_JSON",
                        "false"),
                Duration.ofMinutes(4));
        store = new ObjectStore(runtime.s3Endpoint(), runtime.accessKey(), runtime.secretKey(), "denoise-lab");
    }

    @AfterAll
    static void stop() {
        if (services != null) {
            services.close();
        }
        if (runtime != null) {
            runtime.close();
        }
    }

    @Test
    @Order(1)
    void oneRequestInCheckpointGridAndEvaluationOutInOrder() throws Exception {
        // a malformed request first: it must land in dead-letter and not stop the good one
        byte[] bad = "{\"schemaVersion\": 1, \"preset\": \"quick\", \"sampling\": {\"stepz\": 3}}"
                .getBytes(StandardCharsets.UTF_8);
        try (KafkaProducer<String, byte[]> producer =
                new KafkaProducer<>(KafkaClients.producer(runtime.bootstrapServers(), "e2e"))) {
            producer.send(new ProducerRecord<>(Topics.EXPERIMENTS, "bad-1", bad))
                    .get();
        }
        HttpResponse<String> accepted = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(services.url("trainer-service") + "/experiments"))
                                .header("Content-Type", "application/json")
                                .header("Authorization", "Bearer " + services.apiToken())
                                .POST(HttpRequest.BodyPublishers.ofString(TINY))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertEquals(202, accepted.statusCode(), accepted.body());
        runId = Json.mapper().readTree(accepted.body()).path("runIds").get(0).asText();

        ConsumerRecord<String, byte[]> evaluation =
                await(Topics.EVALUATIONS, r -> runId.equals(r.key()), Duration.ofMinutes(8));
        ConsumerRecord<String, byte[]> samples =
                await(Topics.SAMPLES, r -> runId.equals(r.key()), Duration.ofSeconds(10));
        ConsumerRecord<String, byte[]> checkpoint =
                await(Topics.CHECKPOINTS, r -> runId.equals(r.key()), Duration.ofSeconds(10));
        assertTrue(
                checkpoint.timestamp() <= samples.timestamp() && samples.timestamp() <= evaluation.timestamp(),
                "checkpoint, samples, evaluation in order");

        CheckpointEvent ck = CheckpointEvent.decode(checkpoint.value());
        SamplesEvent s = SamplesEvent.decode(samples.value());
        EvaluationEvent ev = EvaluationEvent.decode(evaluation.value());
        // objects present with the checksums their events carry (get verifies and throws on mismatch)
        assertEquals(ck.sizeBytes(), store.get(ck.objectKey(), ck.sha256()).length);
        byte[] grid = store.get(s.gridKey(), s.gridSha256());
        assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G'}, java.util.Arrays.copyOf(grid, 4));
        assertTrue(store.get(s.batchKey(), s.batchSha256()).length > 64 * 28 * 28, "uint8 batch of 64 images");
        assertEquals(1, ev.epoch());
        assertEquals("fd_classifier", ev.fdMetric());
        assertEquals(64, ev.numSamples());
        assertTrue(ev.fd() != null && ev.fd() >= 0 && Double.isFinite(ev.fd()), "finite FD " + ev.fd());
        assertTrue(ev.isMean() != null && ev.isMean() >= 1.0 - 1e-6, "IS >= 1: " + ev.isMean());

        DeadLetter letter =
                DeadLetter.decode(await(Topics.DEAD_LETTER, r -> "bad-1".equals(r.key()), Duration.ofSeconds(30))
                        .value());
        assertTrue(letter.reason().contains("sampling.stepz"), letter.reason());
        assertArrayEquals(bad, letter.originalValue());
    }

    @Test
    @Order(2)
    void aCheckpointDeliveredTwiceYieldsOneGridAndOneEvaluation() throws Exception {
        Assumptions.assumeTrue(runId != null, "needs the first test's run");
        ConsumerRecord<String, byte[]> checkpoint =
                await(Topics.CHECKPOINTS, r -> runId.equals(r.key()), Duration.ofSeconds(10));
        ObjectStore.Stored gridBefore = store.stored(SamplesEvent.decode(
                                await(Topics.SAMPLES, r -> runId.equals(r.key()), Duration.ofSeconds(10))
                                        .value())
                        .gridKey())
                .orElseThrow();
        try (KafkaProducer<String, byte[]> producer =
                new KafkaProducer<>(KafkaClients.producer(runtime.bootstrapServers(), "e2e"))) {
            producer.send(new ProducerRecord<>(Topics.CHECKPOINTS, checkpoint.key(), checkpoint.value()))
                    .get();
        }
        awaitConsumed("samplers", Topics.CHECKPOINTS, Duration.ofMinutes(2));
        awaitConsumed("evaluators", Topics.SAMPLES, Duration.ofMinutes(2));
        List<ConsumerRecord<String, byte[]>> evaluations = all(Topics.EVALUATIONS, r -> runId.equals(r.key()));
        assertEquals(1, evaluations.size(), "one evaluation for the run's one checkpoint");
        ObjectStore.Stored gridAfter = store.stored(gridBefore.key()).orElseThrow();
        assertEquals(gridBefore, gridAfter, "the grid was not written again");
        assertEquals(1, store.list("runs/" + runId + "/grids/").size(), "one grid");
    }

    /**
     * Two trainer replicas share the runs; the one training a run is killed (SIGKILL, as a crashed pod: it
     * never leaves its group). Once the broker drops it (the consumer session times out) the other replica
     * takes the run, resumes after the last stored checkpoint and finishes it.
     */
    @Test
    @Order(3)
    void aRunWhoseTrainerDiesIsFinishedByAnotherReplica() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        String second = services.startReplica("trainer-service", Duration.ofMinutes(3));
        String request = """
            {"schemaVersion": 1, "preset": "quick", "model": {"patch": 4}, "dataset": {"limit": 512},
             "train": {"epochs": 6, "batchSize": 64}, "sampling": {"numEval": 32, "steps": 2, "gridSize": 4}}
            """;
        HttpResponse<String> accepted = http.send(
                HttpRequest.newBuilder(URI.create(services.url(second) + "/experiments"))
                        .header("Content-Type", "application/json")
                        .header("Authorization", "Bearer " + services.apiToken())
                        .POST(HttpRequest.BodyPublishers.ofString(request))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(202, accepted.statusCode(), accepted.body());
        String run =
                Json.mapper().readTree(accepted.body()).path("runIds").get(0).asText();
        resumedRun = run;
        resumedExperiment =
                Json.mapper().readTree(accepted.body()).path("experimentId").asText();

        // whichever replica got the run: kill it once its first checkpoint is stored
        String stored = "run " + run + ": checkpoint of epoch 1 stored";
        String owner = null;
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (owner == null && System.nanoTime() < deadline) {
            for (String name : List.of("trainer-service", second)) {
                if (Files.readString(services.log(name)).contains(stored)) {
                    owner = name;
                }
            }
            Thread.sleep(200);
        }
        assertTrue(owner != null, "no replica stored the first checkpoint of " + run);
        services.kill(owner);
        String survivor = owner.equals(second) ? "trainer-service" : second;

        JsonNode status = null;
        deadline = System.nanoTime() + Duration.ofMinutes(4).toNanos();
        while (System.nanoTime() < deadline) {
            HttpResponse<String> r = http.send(
                    HttpRequest.newBuilder(URI.create(services.url(survivor) + "/runs/" + run))
                            .GET()
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            status = r.statusCode() == 200 ? Json.mapper().readTree(r.body()) : null;
            if (status != null && status.path("state").asText().equals("COMPLETED")) {
                break;
            }
            Thread.sleep(1000);
        }
        assertTrue(
                status != null && status.path("state").asText().equals("COMPLETED"),
                "run " + run + " finished: " + status);
        assertEquals(6, status.path("epoch").asInt());
        String survivorLog = Files.readString(services.log(survivor));
        assertTrue(survivorLog.contains("run " + run + ": resuming after epoch"), survivor + " resumed the run");
        assertTrue(
                survivorLog.contains("run " + run + ": checkpoint of epoch 6 stored"), survivor + " finished the run");
        List<String> checkpoints = store.list(ObjectLayout.checkpointsPrefix(run)).stream()
                .filter(k -> k.endsWith(ObjectLayout.CHECKPOINT_SUFFIX))
                .sorted()
                .toList();
        List<String> expected = new ArrayList<>();
        for (int epoch = 1; epoch <= 6; epoch++) {
            expected.add(ObjectLayout.checkpoint(run, epoch));
        }
        assertEquals(expected, checkpoints, "one checkpoint per epoch");
        // one read of the topic; a resumed run may publish its resume checkpoint's event again
        SortedSet<Integer> published = new TreeSet<>();
        all(Topics.CHECKPOINTS, r -> run.equals(r.key()))
                .forEach(r -> published.add(CheckpointEvent.decode(r.value()).epoch()));
        assertEquals(Set.of(1, 2, 3, 4, 5, 6), published, "a checkpoint event for every epoch");
    }

    /**
     * The results page of the six-epoch run, in a real browser (headless Chromium), once the evaluator has
     * scored every epoch: the grid image loads from the store through /objects, the FD, IS and loss curves
     * have a line with a point per epoch, the run shows as completed. The screenshot stays in
     * e2e/target/results-page-e2e.png.
     */
    @Test
    @Order(4)
    void theResultsPageShowsTheRealRunInABrowser() throws Exception {
        Assumptions.assumeTrue(resumedRun != null, "needs the third test's run");
        HeadlessChromium browser = HeadlessChromium.find().orElse(null);
        Assumptions.assumeTrue(browser != null, "needs Debian's chromium (bin/lib/ensure-tools.sh installs it)");
        String experiment = resumedExperiment;
        String eval = services.url("eval-service");
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + Duration.ofMinutes(4).toNanos();
        int epochs = 0;
        while (epochs < 6) {
            assertTrue(System.nanoTime() < deadline, "evaluations of " + resumedRun + ": " + epochs + " of 6");
            HttpResponse<String> r = http.send(
                    HttpRequest.newBuilder(URI.create(eval + "/experiments/" + experiment + "/results"))
                            .GET()
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            epochs = r.statusCode() == 200
                    ? Json.mapper()
                            .readTree(r.body())
                            .path("runs")
                            .get(0)
                            .path("epochs")
                            .size()
                    : 0;
            Thread.sleep(1000);
        }
        String url = eval + "/experiments/" + experiment;
        String dom = browser.dumpDom(url, Duration.ofSeconds(3));
        assertTrue(dom.contains("data-grids-loaded=\"1\"") && dom.contains("data-grids-broken=\"0\""), dom);
        assertTrue(dom.contains("class=\"state completed\""), "completed");
        assertEquals(3, count(dom, "<svg class=\"chart\""), "FD, IS and loss charts");
        assertEquals(3, count(dom, "<polyline"), "one line per chart for the one run");
        assertEquals(3 * 6, count(dom, "<circle"), "a point per epoch on each line");
        for (int e = 1; e <= 6; e++) {
            assertTrue(dom.contains("data-epoch=\"" + e + "\""), "a grid to step to for epoch " + e);
        }
        Path png = browser.screenshot(url, Path.of("target/results-page-e2e.png"), 1360, 1300, Duration.ofSeconds(3));
        assertTrue(Files.size(png) > 20_000, "a screenshot with content");
    }

    private static int count(String s, String what) {
        int n = 0;
        for (int i = s.indexOf(what); i >= 0; i = s.indexOf(what, i + 1)) n++;
        return n;
    }

    /** Waits until the group has committed every record of the topic (its work on them is done). */
    private static void awaitConsumed(String group, String topic, Duration timeout) throws Exception {
        try (Admin admin = KafkaClients.admin(runtime.bootstrapServers(), "e2e-admin")) {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline) {
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                        .partitionsToOffsetAndMetadata()
                        .get();
                List<TopicPartition> partitions = new ArrayList<>();
                admin.describeTopics(List.of(topic))
                        .allTopicNames()
                        .get()
                        .get(topic)
                        .partitions()
                        .forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
                Map<TopicPartition, OffsetSpec> latest = new java.util.HashMap<>();
                partitions.forEach(p -> latest.put(p, OffsetSpec.latest()));
                var ends = admin.listOffsets(latest).all().get();
                boolean done = true;
                for (TopicPartition p : partitions) {
                    long end = ends.get(p).offset();
                    OffsetAndMetadata c = committed.get(p);
                    if (end > 0 && (c == null || c.offset() < end)) {
                        done = false;
                    }
                }
                if (done) {
                    return;
                }
                Thread.sleep(500);
            }
            throw new AssertionError(group + " did not finish " + topic + " within " + timeout);
        }
    }

    private static ConsumerRecord<String, byte[]> await(
            String topic, Predicate<ConsumerRecord<String, byte[]>> match, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            List<ConsumerRecord<String, byte[]>> found = all(topic, match);
            if (!found.isEmpty()) {
                return found.get(0);
            }
        }
        throw new AssertionError("no matching record on " + topic + " within " + timeout);
    }

    /** every record of a topic (read from the start, no group) that matches */
    private static List<ConsumerRecord<String, byte[]>> all(
            String topic, Predicate<ConsumerRecord<String, byte[]>> match) {
        List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> c =
                new KafkaConsumer<>(KafkaClients.reader(runtime.bootstrapServers(), "e2e-reader"))) {
            List<TopicPartition> partitions = new ArrayList<>();
            c.partitionsFor(topic).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
            c.assign(partitions);
            c.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = c.endOffsets(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (System.nanoTime() < deadline && partitions.stream().anyMatch(p -> c.position(p) < ends.get(p))) {
                c.poll(Duration.ofMillis(200)).forEach(r -> {
                    if (match.test(r)) {
                        out.add(r);
                    }
                });
            }
            if (out.isEmpty()) {
                c.poll(Duration.ofMillis(500));
            }
        }
        return out;
    }
}
