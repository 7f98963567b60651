package org.denoiselab.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.denoiselab.experiment.json.Json;
import org.denoiselab.infra.LocalRuntime;
import org.denoiselab.infra.LocalServices;
import org.denoiselab.pipeline.events.CheckpointEvent;
import org.denoiselab.pipeline.events.DeadLetter;
import org.denoiselab.pipeline.events.EvaluationEvent;
import org.denoiselab.pipeline.events.SamplesEvent;
import org.denoiselab.pipeline.kafka.KafkaClients;
import org.denoiselab.pipeline.kafka.Topics;
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
 * Load, faults and fuzzing against the real local runtime (LocalRuntime's broker and S3 server, the three packaged
 * services as processes), nothing mocked, loopback only, bounded in count and time. Each test prints its figures
 * ("reliability: ...") for the issue note. The services run with a 10 s consumer session timeout (Kafka's default
 * is 45 s), so a killed member's partitions move sooner and the test is shorter.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReliabilityEndToEndTest {
    static final int FUZZ_PER_INTAKE = 1000;

    /** a few seconds of training: 256 Fashion-MNIST images, batch 64, JiT-T patch 7, 32 samples of 2 Heun steps */
    static String request(String id, String prediction, int epochs, int limit) {
        return String.format(Locale.ROOT, """
                {"schemaVersion": 1, "experimentId": "%s", "preset": "quick", "prediction": %s,
                 "dataset": {"limit": %d}, "train": {"epochs": %d, "batchSize": 64},
                 "sampling": {"numEval": 32, "steps": 2, "gridSize": 4}}
                """, id, prediction, limit, epochs);
    }

    @TempDir
    static Path dir;

    static LocalRuntime runtime;
    static LocalServices services;
    static ObjectStore store;
    static Path armDir;
    /** HTTP/1.1: an h2c upgrade turns the 413 of an oversized body into a GOAWAY */
    static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    @BeforeAll
    static void start() throws IOException {
        Assumptions.assumeTrue(
                Files.isDirectory(Path.of("/usr/share/datasets/fashion-mnist")),
                "needs Debian's dataset-fashion-mnist (bin/test installs it)");
        armDir = Files.createDirectories(dir.resolve("faults"));
        runtime = LocalRuntime.start(LocalRuntime.Config.in(dir.resolve("runtime")));
        services = LocalServices.start(
                runtime,
                Path.of("..").toAbsolutePath().normalize(),
                dir.resolve("logs"),
                Map.of(
                        "denoise.eval.classifier-images", "1024",
                        "denoise.eval.classifier-epochs", "1",
                        "denoise.eval.reference-images", "512",
                        "denoise.fault.arm-dir", armDir.toString(),
                        // a killed member's partitions move after 10 s instead of Kafka's default 45 s
                        "denoise.kafka.session-timeout-ms", "10000",
                        "LOG_JSON", "false"),
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

    /**
     * 1000 hostile requests over HTTP and 1000 on the experiments topic: every one answered 400/413, refused by the
     * broker (over the topic's size limit) or dead-lettered with a reason; no service restarts; the trainer's memory
     * stays bounded. Then a good request completes, with the sampler and then the evaluator killed (halted) between
     * storing their artifact and publishing its event: each event is published once after the restart, and every
     * stored object is whole (its bytes match the checksum stored with it).
     */
    @Test
    @Order(1)
    void fuzzedIntakeThenAGoodRequestSurvivesKilledSamplerAndEvaluator() throws Exception {
        Map<String, Long> pids = new HashMap<>();
        LocalServices.SERVICES.forEach(s -> pids.put(s, services.pid(s)));
        long rssBefore = rssKiB(services.pid("trainer-service"));
        List<HostileRequests.Request> http = HostileRequests.generate(FUZZ_PER_INTAKE, 12);
        Map<Integer, Integer> statuses = new TreeMap<>();
        long t0 = System.nanoTime();
        for (HostileRequests.Request r : http) {
            HttpResponse<String> answer = post(services.url("trainer-service") + "/experiments", r.body());
            statuses.merge(answer.statusCode(), 1, Integer::sum);
            assertTrue(
                    answer.statusCode() == 400 || answer.statusCode() == 413,
                    r.kind() + " answered " + answer.statusCode() + ": " + answer.body() + " for " + preview(r.body()));
            if (answer.statusCode() == 400) {
                assertFalse(
                        Json.mapper()
                                .readTree(answer.body())
                                .path("error")
                                .asText()
                                .isBlank(),
                        "a reason: " + answer);
            }
        }
        double httpSeconds = (System.nanoTime() - t0) / 1e9;

        List<HostileRequests.Request> kafka = HostileRequests.generate(FUZZ_PER_INTAKE, 13);
        Set<String> sent = new HashSet<>();
        int refusedByBroker = 0;
        t0 = System.nanoTime();
        try (KafkaProducer<String, byte[]> producer =
                new KafkaProducer<>(KafkaClients.producer(runtime.bootstrapServers(), "fuzz"))) {
            for (int i = 0; i < kafka.size(); i++) {
                String key = "fuzz-" + i;
                try {
                    producer.send(new ProducerRecord<>(
                                    Topics.EXPERIMENTS, key, kafka.get(i).body()))
                            .get();
                    sent.add(key);
                } catch (java.util.concurrent.ExecutionException e) {
                    assertTrue(e.getCause() instanceof RecordTooLargeException, e.toString());
                    assertEquals("oversized", kafka.get(i).kind());
                    refusedByBroker++;
                }
            }
        }
        Map<String, DeadLetter> letters = new HashMap<>();
        long deadline = System.nanoTime() + Duration.ofMinutes(4).toNanos();
        while (!letters.keySet().containsAll(sent) && System.nanoTime() < deadline) {
            for (ConsumerRecord<String, byte[]> r : all(Topics.DEAD_LETTER)) {
                if (r.key() != null && r.key().startsWith("fuzz-")) {
                    letters.put(r.key(), DeadLetter.decode(r.value()));
                }
            }
        }
        double kafkaSeconds = (System.nanoTime() - t0) / 1e9;
        assertTrue(
                letters.keySet().containsAll(sent), (sent.size() - letters.size()) + " fuzz records not dead-lettered");
        letters.values().forEach(l -> assertFalse(l.reason().isBlank(), "a reason for " + l.key()));
        long rssAfter = rssKiB(services.pid("trainer-service"));
        for (String s : LocalServices.SERVICES) {
            assertTrue(services.isAlive(s), s + " still runs");
            assertEquals(pids.get(s), services.pid(s), s + " was not restarted");
            assertEquals(200, ready(s), s + " ready");
        }
        assertTrue(rssAfter - rssBefore < 512 * 1024, "trainer RSS grew by " + (rssAfter - rssBefore) + " KiB");
        System.out.printf(
                Locale.ROOT,
                "reliability: fuzz HTTP %d requests in %.1f s, answers %s; Kafka %d records (%d sent, %d refused by"
                        + " the broker's size limit), %d dead letters in %.1f s; trainer RSS %d -> %d MiB; restarts 0%n",
                http.size(),
                httpSeconds,
                statuses,
                kafka.size(),
                sent.size(),
                refusedByBroker,
                letters.size(),
                kafkaSeconds,
                rssBefore / 1024,
                rssAfter / 1024);

        // the good request, with both kills armed
        arm(Topics.SAMPLES);
        arm(Topics.EVALUATIONS);
        HttpResponse<String> accepted = post(
                services.url("trainer-service") + "/experiments",
                request("good", "\"x\"", 1, 256).getBytes());
        assertEquals(202, accepted.statusCode(), accepted.body());
        String run =
                Json.mapper().readTree(accepted.body()).path("runIds").get(0).asText();

        long killed = awaitDeath("sampler-service", Duration.ofMinutes(4));
        assertTrue(all(Topics.SAMPLES).stream().noneMatch(r -> run.equals(r.key())), "no samples event yet");
        assertWhole("runs/" + run + "/");
        Duration restart = services.restart("sampler-service", Duration.ofMinutes(3));
        ConsumerRecord<String, byte[]> samples = await(Topics.SAMPLES, run, Duration.ofMinutes(4));
        double samplerRecovery = (System.nanoTime() - killed) / 1e9;
        System.out.printf(
                Locale.ROOT,
                "reliability: sampler halted before publishing; restarted in %.1f s, samples event %.1f s after the"
                        + " kill%n",
                restart.toMillis() / 1e3,
                samplerRecovery);

        killed = awaitDeath("eval-service", Duration.ofMinutes(4));
        assertTrue(all(Topics.EVALUATIONS).stream().noneMatch(r -> run.equals(r.key())), "no evaluation yet");
        restart = services.restart("eval-service", Duration.ofMinutes(3));
        await(Topics.EVALUATIONS, run, Duration.ofMinutes(4));
        double evalRecovery = (System.nanoTime() - killed) / 1e9;
        assertEquals(1, count(Topics.SAMPLES, run), "one samples event");
        assertEquals(1, count(Topics.EVALUATIONS, run), "one evaluation event");
        assertWhole("runs/" + run + "/");
        SamplesEvent s = SamplesEvent.decode(samples.value());
        store.get(s.batchKey(), s.batchSha256());
        System.out.printf(
                Locale.ROOT,
                "reliability: evaluator halted before publishing; restarted in %.1f s, evaluation %.1f s after the kill;"
                        + " samples events 1, evaluation events 1%n",
                restart.toMillis() / 1e3,
                evalRecovery);
    }

    /**
     * The broker is stopped and started again while two runs train: both complete, every checkpoint, samples and
     * evaluation event is on its topic exactly once, and the services are ready again.
     */
    @Test
    @Order(2)
    void brokerRestartedWhileRunsAreInFlight() throws Exception {
        HttpResponse<String> accepted = post(
                services.url("trainer-service") + "/experiments",
                request("broker", "[\"x\", \"v\"]", 3, 512).getBytes());
        assertEquals(202, accepted.statusCode(), accepted.body());
        List<String> runs = new ArrayList<>();
        Json.mapper().readTree(accepted.body()).path("runIds").forEach(n -> runs.add(n.asText()));
        await(Topics.CHECKPOINTS, runs.get(0), Duration.ofMinutes(4));
        Duration down = runtime.stopKafka();
        Thread.sleep(3000);
        Duration up = runtime.startKafka();
        long t0 = System.nanoTime();
        awaitAllReady(Duration.ofMinutes(3));
        double ready = (System.nanoTime() - t0) / 1e9;
        for (String run : runs) {
            awaitEvaluations(run, 3, Duration.ofMinutes(8));
        }
        int duplicates = 0;
        int lost = 0;
        for (String run : runs) {
            for (String topic : List.of(Topics.CHECKPOINTS, Topics.SAMPLES, Topics.EVALUATIONS)) {
                Map<Integer, Integer> perEpoch = perEpoch(topic, run);
                for (int epoch = 1; epoch <= 3; epoch++) {
                    int n = perEpoch.getOrDefault(epoch, 0);
                    lost += n == 0 ? 1 : 0;
                    duplicates += Math.max(0, n - 1);
                }
            }
            assertEquals(1, count(Topics.RUNS, run), "one run event for " + run);
        }
        System.out.printf(
                Locale.ROOT,
                "reliability: broker stopped in %.1f s, down 3 s, started in %.1f s; services ready %.1f s later;"
                        + " 2 runs x 3 epochs x 3 event kinds: lost %d, duplicated %d%n",
                down.toMillis() / 1e3,
                up.toMillis() / 1e3,
                ready,
                lost,
                duplicates);
        assertEquals(0, lost, "events lost");
        assertEquals(0, duplicates, "events duplicated");
    }

    /**
     * The object store is down for 30 s during a run: the services turn not-ready meanwhile, writes wait with
     * backoff, the run completes, and every event names an object that is stored with its checksum.
     */
    @Test
    @Order(3)
    void objectStoreDownFor30Seconds() throws Exception {
        HttpResponse<String> accepted = post(
                services.url("trainer-service") + "/experiments",
                request("s3down", "\"x\"", 3, 512).getBytes());
        assertEquals(202, accepted.statusCode(), accepted.body());
        String run =
                Json.mapper().readTree(accepted.body()).path("runIds").get(0).asText();
        await(Topics.CHECKPOINTS, run, Duration.ofMinutes(4));
        long stopped = System.nanoTime();
        runtime.stopS3();
        long notReadyAt = 0;
        while (System.nanoTime() - stopped < Duration.ofSeconds(30).toNanos()) {
            if (notReadyAt == 0 && LocalServices.SERVICES.stream().allMatch(s -> ready(s) == 503)) {
                notReadyAt = System.nanoTime();
            }
            Thread.sleep(500);
        }
        assertTrue(notReadyAt > 0, "every service turned not-ready while the store was down");
        runtime.startS3();
        long started = System.nanoTime();
        awaitAllReady(Duration.ofMinutes(2));
        double ready = (System.nanoTime() - started) / 1e9;
        awaitEvaluations(run, 3, Duration.ofMinutes(8));
        for (ConsumerRecord<String, byte[]> r : all(Topics.CHECKPOINTS)) {
            if (run.equals(r.key())) {
                CheckpointEvent e = CheckpointEvent.decode(r.value());
                assertEquals(e.sizeBytes(), store.get(e.objectKey(), e.sha256()).length, "stored " + e.objectKey());
            }
        }
        for (ConsumerRecord<String, byte[]> r : all(Topics.SAMPLES)) {
            if (run.equals(r.key())) {
                SamplesEvent e = SamplesEvent.decode(r.value());
                store.get(e.gridKey(), e.gridSha256());
                store.get(e.batchKey(), e.batchSha256());
            }
        }
        for (String topic : List.of(Topics.CHECKPOINTS, Topics.SAMPLES, Topics.EVALUATIONS)) {
            perEpoch(topic, run).forEach((epoch, n) -> assertEquals(1, n, topic + " epoch " + epoch));
        }
        long retries = 0;
        for (String s : LocalServices.SERVICES) {
            retries += Files.readAllLines(services.log(s)).stream()
                    .filter(l -> l.contains("retrying in"))
                    .count();
        }
        assertTrue(retries > 0, "store operations were retried");
        System.out.printf(
                Locale.ROOT,
                "reliability: S3 down 30 s: all services not-ready %.1f s after the stop, ready %.1f s after the"
                        + " start; %d store retries logged; run completed, 3 epochs, each event once, every object"
                        + " stored%n",
                (notReadyAt - stopped) / 1e9,
                ready,
                retries);
    }

    // ---- helpers ----

    static void arm(String topic) throws IOException {
        Files.writeString(armDir.resolve("halt-before-publish." + topic), "");
    }

    static long awaitDeath(String service, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (services.isAlive(service)) {
            assertTrue(System.nanoTime() < deadline, service + " was not halted within " + timeout);
            Thread.sleep(200);
        }
        return System.nanoTime();
    }

    /** every object under the prefix reads back with the checksum stored with it: nothing half-written */
    static void assertWhole(String prefix) {
        List<String> keys = store.list(prefix);
        assertFalse(keys.isEmpty(), "objects under " + prefix);
        for (String key : keys) {
            ObjectStore.Stored s = store.stored(key).orElseThrow(() -> new AssertionError(key + " has no checksum"));
            assertEquals(s.sizeBytes(), store.get(key, s.sha256()).length, key);
        }
    }

    static HttpResponse<String> post(String url, byte[] body) throws IOException, InterruptedException {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create(url))
                        .header("Content-Type", "application/json")
                        // authenticated: the fuzz is about the request, not about who sends it
                        .header("Authorization", "Bearer " + services.apiToken())
                        .timeout(Duration.ofSeconds(30))
                        // a body over the limit is answered 413 from its Content-Length, before it is sent
                        .expectContinue(body.length > org.denoiselab.experiment.Experiments.MAX_REQUEST_BYTES)
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static int ready(String service) {
        try {
            return HTTP.send(
                            HttpRequest.newBuilder(URI.create(services.url(service) + "/q/health/ready"))
                                    .timeout(Duration.ofSeconds(10))
                                    .GET()
                                    .build(),
                            HttpResponse.BodyHandlers.discarding())
                    .statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    static void awaitAllReady(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!LocalServices.SERVICES.stream().allMatch(s -> ready(s) == 200)) {
            assertTrue(System.nanoTime() < deadline, "services not ready again within " + timeout);
            Thread.sleep(500);
        }
    }

    static void awaitEvaluations(String run, int epochs, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (perEpoch(Topics.EVALUATIONS, run).size() < epochs) {
            assertTrue(
                    System.nanoTime() < deadline, "run " + run + " not evaluated " + epochs + " times in " + timeout);
            Thread.sleep(1000);
        }
    }

    /** events of a run per epoch (checkpoints, samples, evaluations) */
    static Map<Integer, Integer> perEpoch(String topic, String run) {
        Function<byte[], Integer> epochOf =
                switch (topic) {
                    case Topics.CHECKPOINTS -> v -> CheckpointEvent.decode(v).epoch();
                    case Topics.SAMPLES -> v -> SamplesEvent.decode(v).epoch();
                    default -> v -> EvaluationEvent.decode(v).epoch();
                };
        Map<Integer, Integer> out = new TreeMap<>();
        for (ConsumerRecord<String, byte[]> r : all(topic)) {
            if (run.equals(r.key())) {
                out.merge(epochOf.apply(r.value()), 1, Integer::sum);
            }
        }
        return out;
    }

    static int count(String topic, String key) {
        return (int) all(topic).stream().filter(r -> key.equals(r.key())).count();
    }

    static ConsumerRecord<String, byte[]> await(String topic, String key, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            for (ConsumerRecord<String, byte[]> r : all(topic)) {
                if (key.equals(r.key())) {
                    return r;
                }
            }
            assertTrue(System.nanoTime() < deadline, "no record for " + key + " on " + topic + " within " + timeout);
            Thread.sleep(500);
        }
    }

    /** every record of a topic, read from the start without a group */
    static List<ConsumerRecord<String, byte[]>> all(String topic) {
        List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> c =
                new KafkaConsumer<>(KafkaClients.reader(runtime.bootstrapServers(), "reliability-reader"))) {
            List<TopicPartition> partitions = new ArrayList<>();
            c.partitionsFor(topic).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
            c.assign(partitions);
            c.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = c.endOffsets(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (System.nanoTime() < deadline && partitions.stream().anyMatch(p -> c.position(p) < ends.get(p))) {
                c.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        return out;
    }

    static long rssKiB(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IllegalStateException("no VmRSS for " + pid);
    }

    static String preview(byte[] body) {
        String s = new String(body, 0, Math.min(body.length, 200), java.nio.charset.StandardCharsets.UTF_8);
        return s + (body.length > 200 ? "... (" + body.length + " bytes)" : "");
    }

    static JsonNode json(String s) throws IOException {
        return Json.mapper().readTree(s);
    }
}
