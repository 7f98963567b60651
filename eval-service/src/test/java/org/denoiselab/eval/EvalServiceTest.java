package org.denoiselab.eval;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.denoiselab.experiment.Experiments;
import org.denoiselab.infra.LocalRuntime;
import org.denoiselab.pipeline.events.EvaluationEvent;
import org.denoiselab.pipeline.events.PipelineMessage;
import org.denoiselab.pipeline.kafka.KafkaClients;
import org.denoiselab.pipeline.kafka.PipelineProducer;
import org.denoiselab.pipeline.kafka.Topics;
import org.denoiselab.pipeline.store.ObjectLayout;
import org.denoiselab.pipeline.store.ObjectStore;
import org.denoiselab.science.spec.RunSpec;
import org.denoiselab.service.LocalRuntimeResource;
import org.junit.jupiter.api.Test;

/**
 * The results side of the eval service against a real broker and S3 server: evaluations published to
 * the topic become the JSON results, the HTML page, the grid objects and the gauges. (The scoring of
 * samples events needs core's EvalJob, from the jobs branch.)
 */
@QuarkusTest
@WithTestResource(LocalRuntimeResource.class)
class EvalServiceTest {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @Test
    void evaluationsAreQueryableAsJsonHtmlGridsAndGauges() throws Exception {
        LocalRuntime rt = LocalRuntimeResource.runtime();
        RunSpec spec = Experiments.accept("""
                {"experimentId": "exp-results", "preset": "fmnist", "prediction": "x", "model": {"patch": 4}}
                """.getBytes(StandardCharsets.UTF_8), location -> true)
                .runs()
                .get(0);
        byte[] grid = {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3};
        String evalKey = ObjectLayout.evaluation(spec.runId(), 1, "classifier");
        String damagedKey = ObjectLayout.grid(spec.runId(), 2);
        try (ObjectStore store = new ObjectStore(rt.s3Endpoint(), rt.accessKey(), rt.secretKey(), "denoise-lab-test");
                PipelineProducer producer =
                        new PipelineProducer(KafkaClients.producer(rt.bootstrapServers(), "test"))) {
            store.put(ObjectLayout.grid(spec.runId(), 1), grid);
            store.put(ObjectLayout.checkpoint(spec.runId(), 1), new byte[] {1, 2, 3});
            store.put(ObjectLayout.samples(spec.runId(), 1), new byte[] {4, 5, 6});
            store.put(evalKey, "{\"fd\": 25.5}".getBytes(StandardCharsets.UTF_8));
            // a grid whose recorded checksum is not its bytes' (damaged in the store)
            io.minio.MinioClient.builder()
                    .endpoint(rt.s3Endpoint())
                    .credentials(rt.accessKey(), rt.secretKey())
                    .build()
                    .putObject(io.minio.PutObjectArgs.builder().bucket("denoise-lab-test").object(damagedKey).stream(
                                    new java.io.ByteArrayInputStream(grid), grid.length, -1)
                            .userMetadata(java.util.Map.of("sha256", "0".repeat(64)))
                            .build());
            producer.publish(Topics.EVALUATIONS, evaluation(spec, 1, 40.0));
            producer.publish(Topics.EVALUATIONS, evaluation(spec, 2, 25.5));
        }

        long deadline = System.nanoTime() + WAIT.toNanos();
        while (given().get("/experiments/exp-results/results").statusCode() != 200
                || given().get("/experiments/exp-results/results").<Integer>path("runs[0].epochs.size()") < 2) {
            assertTrue(System.nanoTime() < deadline, "results never appeared");
            Thread.sleep(100);
        }
        given().get("/experiments/exp-results/results")
                .then()
                .statusCode(200)
                .body("runs", hasSize(1))
                .body("runs[0].runId", equalTo(spec.runId()))
                .body("runs[0].prediction", equalTo("x"))
                .body("runs[0].patch", equalTo(4))
                .body("runs[0].epochs.epoch", equalTo(java.util.List.of(1, 2)))
                .body("runs[0].epochs[1].fdMetric", equalTo("fd_classifier"))
                .body("runs[0].epochs[1].fd", equalTo(25.5f))
                .body("runs[0].epochs[0].gridKey", equalTo(ObjectLayout.grid(spec.runId(), 1)));
        given().get("/experiments/exp-results")
                .then()
                .statusCode(200)
                .contentType(containsString("text/html"))
                .body(
                        containsString(spec.runId()),
                        containsString("FD (fd_classifier), lower is better"),
                        containsString("epoch 2 · FD 25.5 · IS 3"),
                        // relative: /experiments/{id} -> ../objects/...
                        containsString("data-grid=\"../objects/" + ObjectLayout.grid(spec.runId(), 1) + "\""));
        byte[] served = given().get("/objects/" + ObjectLayout.grid(spec.runId(), 1))
                .then()
                .statusCode(200)
                .contentType("image/png")
                .extract()
                .asByteArray();
        assertArrayEquals(grid, served);
        given().get("/objects/stats/secret.npz").then().statusCode(404);
        // never checkpoints or sample batches, even when they exist; the answer does not say whether they do
        String checkpointKey = ObjectLayout.checkpoint(spec.runId(), 1);
        String refused = given().get("/objects/" + checkpointKey)
                .then()
                .statusCode(404)
                .extract()
                .path("error");
        assertEquals(
                refused,
                given().get("/objects/" + ObjectLayout.checkpoint(spec.runId(), 9))
                        .then()
                        .statusCode(404)
                        .extract()
                        .path("error"));
        given().get("/objects/" + ObjectLayout.samples(spec.runId(), 1)).then().statusCode(404);
        given().get("/objects/runs/" + spec.runId() + "/grids/../checkpoints/epoch-0001.safetensors")
                .then()
                .statusCode(404);
        // an evaluation result is served; a second request with its ETag is answered 304
        String etag = given().get("/objects/" + evalKey)
                .then()
                .statusCode(200)
                .contentType("application/json")
                .extract()
                .header("ETag");
        given().header("If-None-Match", etag).get("/objects/" + evalKey).then().statusCode(304);
        // bytes that do not match the checksum recorded at upload are not served
        given().get("/objects/" + damagedKey).then().statusCode(500);
        given().get("/experiments/exp-none/results").then().statusCode(404);

        given().get("/q/metrics")
                .then()
                .statusCode(200)
                .body(containsString("eval_score{metric=\"fd_classifier\",run=\"" + spec.runId() + "\"} 25.5"));
        given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
    }

    private static EvaluationEvent evaluation(RunSpec spec, int epoch, double fd) {
        return new EvaluationEvent(
                PipelineMessage.SCHEMA_VERSION,
                spec.runId(),
                spec.experimentId(),
                epoch,
                "classifier",
                EvaluationEvent.fdMetric("classifier"),
                fd,
                EvaluationEvent.isMetric("classifier"),
                3.0,
                0.2,
                64,
                0.31,
                ObjectLayout.samples(spec.runId(), epoch),
                spec,
                PipelineMessage.now(),
                null,
                null,
                null,
                java.util.List.of());
    }
}
