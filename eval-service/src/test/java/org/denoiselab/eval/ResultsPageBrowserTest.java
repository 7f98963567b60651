package org.denoiselab.eval;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.denoiselab.experiment.Experiments;
import org.denoiselab.infra.HeadlessChromium;
import org.denoiselab.infra.LocalRuntime;
import org.denoiselab.pipeline.events.CheckpointEvent;
import org.denoiselab.pipeline.events.EvaluationEvent;
import org.denoiselab.pipeline.events.PipelineMessage;
import org.denoiselab.pipeline.events.RunEvent;
import org.denoiselab.pipeline.events.RunStatus;
import org.denoiselab.pipeline.kafka.KafkaClients;
import org.denoiselab.pipeline.kafka.PipelineProducer;
import org.denoiselab.pipeline.kafka.Topics;
import org.denoiselab.pipeline.store.ObjectLayout;
import org.denoiselab.pipeline.store.ObjectStore;
import org.denoiselab.science.diffusion.Prediction;
import org.denoiselab.science.spec.RunSpec;
import org.denoiselab.service.LocalRuntimeResource;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The results pages in a real browser (Debian's headless Chromium) against the eval service on a real broker
 * and S3 server, served under a path prefix (quarkus.http.root-path=/lab/eval) to show that every link is
 * relative. One fmnist sweep, prediction x/eps/v by patch 7/28, in every state: three completed, one
 * running, one failed with its reason, one queued. Its events go through the topics and its grids (PNG)
 * through the store exactly as the trainer, sampler and evaluator publish them. Screenshots are kept:
 * target/results-page.png and target/experiments-page.png.
 */
@QuarkusTest
@TestProfile(ResultsPageBrowserTest.BehindAPrefix.class)
@WithTestResource(LocalRuntimeResource.class)
class ResultsPageBrowserTest {
    public static class BehindAPrefix implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.http.root-path", "/lab/eval");
        }
    }

    private static final String EXPERIMENT = "exp-browser";
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TestHTTPResource("experiments/" + EXPERIMENT)
    URL page;

    @TestHTTPResource("experiments")
    URL list;

    @Test
    void theSweepGridsCurvesAndStatusRenderInABrowser() throws Exception {
        HeadlessChromium browser = HeadlessChromium.find().orElse(null);
        Assumptions.assumeTrue(
                browser != null, "needs Debian's chromium (bin/test installs it through bin/lib/ensure-tools.sh)");
        assertTrue(page.getPath().startsWith("/lab/eval/"), page.toString());
        int grids = publishSweep();

        // the views have read every topic: all six runs, their states and the evaluations
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            String html =
                    given().get("/experiments/" + EXPERIMENT).then().extract().asString();
            if (html.contains("6 runs")
                    && html.contains("3 completed")
                    && html.contains("1 failed")
                    && html.contains("1 running")
                    && html.contains("1 queued")
                    && countOf(html, "class=\"grid\"") == grids
                    && html.contains("IS 4.1")) {
                break;
            }
            assertTrue(System.nanoTime() < deadline, "the page never showed the whole sweep:\n" + html);
            Thread.sleep(250);
        }

        String dom = browser.dumpDom(page.toString(), Duration.ofSeconds(3));
        // every grid image loaded through its relative link under the prefix; none broken
        assertEquals(String.valueOf(grids), attribute(dom, "data-grids-loaded"), "grids loaded\n" + dom);
        assertEquals("0", attribute(dom, "data-grids-broken"));
        assertTrue(dom.contains("src=\"../objects/runs/"), "relative grid links");
        // the paper's layout: columns x, eps, v; rows patch 7 and 28 with their token sizes
        assertTrue(dom.contains("x-prediction") && dom.contains("eps-prediction") && dom.contains("v-prediction"));
        assertTrue(dom.contains("16 tokens of 49 values") && dom.contains("1 token of 784 values"), "token sizes");
        // curves: FD, IS, loss; a polyline per run with values (the five runs with a checkpoint)
        assertEquals(3, countOf(dom, "<svg class=\"chart\""), "three charts");
        assertEquals(3 * 5, countOf(dom, "<polyline"), "lines in the charts");
        assertTrue(dom.contains("(log scale)"), "FD spans more than a factor of 30 here: log scale");
        // status: progress of the running run, reason of the failed one, the queued one
        assertTrue(dom.contains("epoch 1 of 3 done · step 72 of 144"), "progress");
        assertTrue(dom.contains("<th class=\"num\">KID</th>") && dom.contains(" ± "), "KID with its std");
        assertTrue(dom.contains("loss is NaN at step 812 (epoch 2)"), "failure reason");
        assertTrue(dom.contains("class=\"state queued\""), "queued");
        // stepping through epochs: a chip per epoch with a grid, the latest one selected
        assertTrue(dom.contains("data-epoch=\"1\"") && dom.contains("data-epoch=\"3\""), "epoch chips");

        Path screenshot = browser.screenshot(
                page.toString(), Path.of("target/results-page.png"), 1360, 1840, Duration.ofSeconds(3));
        assertTrue(Files.size(screenshot) > 50_000, "a screenshot with content: " + Files.size(screenshot));
        String listDom = browser.dumpDom(list.toString(), Duration.ofSeconds(2));
        assertTrue(listDom.contains("href=\"experiments/" + EXPERIMENT + "\""), "relative link from the list");
        assertTrue(listDom.contains("fmnist · JiT-T · flow matching, v-loss"), listDom);
        browser.screenshot(list.toString(), Path.of("target/experiments-page.png"), 1360, 500, Duration.ofSeconds(2));

        // what the page's refresh loop compares: its version changes once a run moves on
        String before = version(
                given().get("/experiments/" + EXPERIMENT).then().extract().asString());
        RunSpec queued = specs().stream()
                .filter(x -> x.prediction() == Prediction.V && x.model().patch() == 28)
                .findFirst()
                .orElseThrow();
        LocalRuntime rt = LocalRuntimeResource.runtime();
        try (PipelineProducer producer = new PipelineProducer(KafkaClients.producer(rt.bootstrapServers(), "test"))) {
            producer.publish(Topics.RUN_STATUS, RunStatus.running(queued, 0, 10, 144, 0.7, 120.0, 160.0));
        }
        long until = System.nanoTime() + WAIT.toNanos();
        String after;
        do {
            assertTrue(System.nanoTime() < until, "the page never showed the v run running");
            Thread.sleep(250);
            after = given().get("/experiments/" + EXPERIMENT).then().extract().asString();
        } while (!after.contains("2 running"));
        assertFalse(before.equals(version(after)), "a new version for the refresh loop");

        // the JSON beside it is unchanged
        given().get("/experiments/" + EXPERIMENT + "/results").then().statusCode(200);
        given().get("/experiments/exp-nobody").then().statusCode(404);
    }

    private static String version(String html) {
        Matcher m = Pattern.compile("id=\"live\" data-version=\"([0-9a-f]+)\"").matcher(html);
        assertTrue(m.find(), "a page version");
        return m.group(1);
    }

    private static List<RunSpec> specs() {
        return Experiments.accept(
                        ("{\"experimentId\": \"" + EXPERIMENT + "\", \"preset\": \"fmnist\","
                                        + " \"train\": {\"epochs\": 3, \"checkpointEvery\": 1}}")
                                .getBytes(StandardCharsets.UTF_8),
                        location -> true)
                .runs();
    }

    /**
     * Publishes the sweep's events and stores its grids; returns how many grids the page will show. Patch 4:
     * three epochs each, completed. Patch 28: x running after one epoch, eps failed after one, v queued.
     */
    private static int publishSweep() throws Exception {
        LocalRuntime rt = LocalRuntimeResource.runtime();
        List<RunSpec> specs = specs();
        assertEquals(6, specs.size());
        int grids = 0;
        Instant t0 = Instant.parse("2025-11-20T14:00:00Z");
        try (ObjectStore store = new ObjectStore(rt.s3Endpoint(), rt.accessKey(), rt.secretKey(), "denoise-lab-test");
                PipelineProducer producer =
                        new PipelineProducer(KafkaClients.producer(rt.bootstrapServers(), "test"))) {
            store.ensureBucket();
            for (int i = 0; i < specs.size(); i++) {
                RunSpec s = specs.get(i);
                producer.publish(Topics.RUNS, RunEvent.of(s, i, specs.size()));
                boolean large = s.model().patch() == 28;
                Prediction p = s.prediction();
                // x-prediction stays clean at the large patch; eps fails there, v has not started
                int epochs = !large ? 3 : p == Prediction.X ? 1 : p == Prediction.EPS ? 1 : 0;
                for (int e = 1; e <= epochs; e++) {
                    double loss = (large ? 0.62 : 0.45) / Math.sqrt(e) + (p == Prediction.EPS ? 0.08 : 0);
                    double noise = large && p != Prediction.X ? 0.9 : Math.max(0.08, 0.6 / e);
                    store.put(ObjectLayout.grid(s.runId(), e), grid(s.runId().hashCode() + e, noise));
                    grids += e == epochs ? 1 : 0;
                    producer.publish(
                            Topics.CHECKPOINTS,
                            new CheckpointEvent(
                                    PipelineMessage.SCHEMA_VERSION,
                                    s.runId(),
                                    s.experimentId(),
                                    e,
                                    48L * e,
                                    ObjectLayout.checkpoint(s.runId(), e),
                                    "0".repeat(64),
                                    1_000_000,
                                    loss,
                                    s,
                                    t0.plusSeconds(60L * e + i).toString()));
                    // the paper's finding: at the large patch only x-prediction stays near the small-patch scores
                    double fd = (p == Prediction.X ? 18 : p == Prediction.EPS ? 35 : 26) * 3.0 / (e + 1)
                            + (large ? (p == Prediction.X ? 12 : 900) : 0);
                    double is = large && p != Prediction.X ? 1.4 : 3.2 + 0.3 * e;
                    producer.publish(Topics.EVALUATIONS, evaluation(s, e, fd, is, loss, t0, i));
                }
                RunStatus status = !large
                        ? RunStatus.completed(s, 3, 144, 0.26)
                        : p == Prediction.X
                                ? RunStatus.running(s, 1, 72, 144, 0.5, 118.0, 95.0)
                                : p == Prediction.EPS
                                        ? RunStatus.failed(s, 1, 60, 144, "loss is NaN at step 812 (epoch 2)")
                                        : RunStatus.queued(s, 144);
                producer.publish(Topics.RUN_STATUS, status);
            }
        }
        return grids;
    }

    private static EvaluationEvent evaluation(
            RunSpec s, int epoch, double fd, double is, double loss, Instant t0, int i) {
        return new EvaluationEvent(
                PipelineMessage.SCHEMA_VERSION,
                s.runId(),
                s.experimentId(),
                epoch,
                "classifier",
                EvaluationEvent.fdMetric("classifier"),
                fd,
                EvaluationEvent.isMetric("classifier"),
                is,
                0.15,
                500,
                loss,
                ObjectLayout.samples(s.runId(), epoch),
                s,
                t0.plusSeconds(90L * epoch + i).toString(),
                EvaluationEvent.kidMetric("classifier"),
                fd / 1000,
                fd / 20000,
                null);
    }

    /** an 8 x 8 grid of 28 px "garments" (bright blobs of a few shapes) under Gaussian noise of {@code noise} */
    static byte[] grid(long seed, double noise) throws Exception {
        Random r = new Random(seed);
        int tile = 28;
        BufferedImage img = new BufferedImage(8 * tile, 8 * tile, BufferedImage.TYPE_BYTE_GRAY);
        for (int ty = 0; ty < 8; ty++) {
            for (int tx = 0; tx < 8; tx++) {
                int shape = r.nextInt(3);
                double w = 0.25 + 0.15 * r.nextDouble();
                for (int y = 0; y < tile; y++) {
                    for (int x = 0; x < tile; x++) {
                        double u = (x - tile / 2.0) / tile;
                        double v = (y - tile / 2.0) / tile;
                        boolean in =
                                switch (shape) {
                                    case 0 -> Math.abs(u) < w && Math.abs(v) < 0.38; // a shirt-like block
                                    case 1 -> Math.abs(u) < w * (0.6 + v) && v > -0.35 && v < 0.4; // a dress
                                    default -> u * u + v * v < w * w; // a bag
                                };
                        double value = (in ? 0.85 : 0.02) + noise * r.nextGaussian();
                        img.getRaster().setSample(tx * tile + x, ty * tile + y, 0, (int)
                                Math.max(0, Math.min(255, Math.round(255 * value))));
                    }
                }
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "png", out);
        return out.toByteArray();
    }

    private static int countOf(String s, String what) {
        int n = 0;
        for (int i = s.indexOf(what); i >= 0; i = s.indexOf(what, i + 1)) n++;
        return n;
    }

    private static String attribute(String dom, String name) {
        Matcher m = Pattern.compile(name + "=\"([^\"]*)\"").matcher(dom);
        assertTrue(m.find(), name + " not set: " + dom.substring(0, Math.min(dom.length(), 400)));
        String value = m.group(1);
        assertFalse(value.isEmpty());
        return value;
    }
}
