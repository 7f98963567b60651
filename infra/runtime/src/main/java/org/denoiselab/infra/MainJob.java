package org.denoiselab.infra;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * README's main job: starts the local runtime (Kafka + S3) and the three services, submits one experiment
 * (default: preset fmnist) through POST /experiments, shows the runs' progress, waits until every run has
 * finished and its last checkpoint is evaluated, prints the results table and where the grids are, then
 * stops everything it started.
 *
 * <pre>bin/main [--preset fmnist|quick|toy] [--request JSON] [--data DIR] [--timeout-min N]</pre>
 */
@Command(
        name = "bin/main",
        mixinStandardHelpOptions = true,
        showDefaultValues = true,
        description =
                "Runs one experiment through Kafka, S3 and the three services on this machine, then prints its results.")
public final class MainJob implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Option(
            names = "--preset",
            defaultValue = "fmnist",
            description = "the preset to submit when there is no --request")
    String preset;

    @Option(names = "--request", description = "the experiment request as JSON (instead of --preset)")
    String request;

    @Option(
            names = "--data",
            defaultValue = "work-data/main-job",
            description = "folder for the broker, the store, logs and grids")
    Path data;

    @Option(names = "--timeout-min", defaultValue = "60", description = "give up after this many minutes")
    long timeoutMin;

    public static void main(String[] args) {
        System.exit(new CommandLine(new MainJob()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        String body = request != null ? request : "{\"schemaVersion\": 1, \"preset\": \"" + preset + "\"}";
        return run(body, data.toAbsolutePath(), Duration.ofMinutes(timeoutMin));
    }

    int run(String requestJson, Path data, Duration timeout) throws Exception {
        long start = System.nanoTime();
        Path repo = Path.of("").toAbsolutePath();
        Files.createDirectories(data);
        log("starting Kafka (KRaft) and S3Proxy in %s", data);
        try (LocalRuntime runtime = LocalRuntime.start(LocalRuntime.Config.in(data.resolve("runtime")))) {
            log(
                    "Kafka at %s (%.1f s), S3 at %s (%.1f s); starting trainer, sampler and eval services",
                    runtime.bootstrapServers(),
                    runtime.kafkaStartup().toMillis() / 1e3,
                    runtime.s3Endpoint(),
                    runtime.s3Startup().toMillis() / 1e3);
            // the evaluation classifier keeps the services' budget (20000 images x 2 epochs), the one bin/lab scores
            // with, so the two tools' FD and KID are in the same feature space; the evaluator trains it beside the
            // trainer (5 min at nice 10 here, overlapping training; 26 s alone)
            Map<String, String> env = Map.of("LOG_JSON", "false");
            try (LocalServices services =
                    LocalServices.start(runtime, repo, data.resolve("logs"), env, Duration.ofMinutes(3))) {
                log(
                        "services ready (%.0f s after start): trainer %s, sampler %s, eval %s",
                        seconds(start),
                        services.url("trainer-service"),
                        services.url("sampler-service"),
                        services.url("eval-service"));
                JsonNode accepted =
                        post(services.url("trainer-service") + "/experiments", requestJson, services.apiToken());
                String experimentId = accepted.path("experimentId").asText();
                List<String> runIds = new ArrayList<>();
                accepted.path("runIds").forEach(n -> runIds.add(n.asText()));
                log("experiment %s accepted: %d runs %s", experimentId, runIds.size(), runIds);
                long submitted = System.nanoTime();
                // Sampling is the one backlog: it yields to training (nice) and then has the machine to itself; a
                // second sampler replica (one PyTorch thread each) works through it on two cores instead of one.
                if (Runtime.getRuntime().availableProcessors() >= 2) {
                    log(
                            "second sampler replica ready: %s",
                            services.startReplica("sampler-service", Duration.ofMinutes(3)));
                }
                JsonNode results = follow(services, experimentId, runIds, timeout);
                exportGrids(results, services.url("eval-service"), data.resolve("grids"));
                printResults(results, runIds, data);
                Path composite =
                        FinalGrids.compose(results, runIds, data.resolve("grids"), data.resolve("final-grids.png"));
                if (composite != null) {
                    log("final grids side by side (rows: patch, columns: prediction): %s", composite);
                }
                log(
                        "main job finished in %.1f min (%.1f min from submission)",
                        seconds(start) / 60, seconds(submitted) / 60);
                return results == null ? 1 : 0;
            }
        } finally {
            log("stopped everything the main job started");
        }
    }

    /** Polls run status and results until every run is final and evaluated at its last epoch. */
    private JsonNode follow(LocalServices services, String experimentId, List<String> runIds, Duration timeout)
            throws Exception {
        Map<String, String> lastLine = new HashMap<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            int finished = 0;
            Map<String, Integer> finalEpoch = new LinkedHashMap<>();
            for (String runId : runIds) {
                JsonNode s = get(services.url("trainer-service") + "/runs/" + runId);
                if (s == null) {
                    continue;
                }
                String state = s.path("state").asText("?");
                String line = String.format(
                        Locale.ROOT,
                        "%-9s epochs done %s, step %s/%s, loss %s, %s img/s, ETA %s",
                        state,
                        s.path("epoch").asText("-"),
                        s.path("step").asText("-"),
                        s.path("totalSteps").asText("-"),
                        num(s.path("loss"), "%.4f"),
                        num(s.path("imagesPerSecond"), "%.1f"),
                        eta(s.path("etaSeconds")));
                if (!line.equals(lastLine.get(runId))) {
                    log(
                            "  %s %s%s",
                            runId,
                            line,
                            state.equals("FAILED")
                                    ? " reason: " + s.path("reason").asText()
                                    : "");
                    lastLine.put(runId, line);
                }
                if (state.equals("COMPLETED") || state.equals("FAILED")) {
                    finished++;
                    if (state.equals("COMPLETED")) {
                        finalEpoch.put(runId, s.path("epoch").asInt());
                    }
                }
            }
            JsonNode results = get(services.url("eval-service") + "/experiments/" + experimentId + "/results");
            if (finished == runIds.size() && results != null && allEvaluated(results, finalEpoch)) {
                return results;
            }
            Thread.sleep(3000);
        }
        log("timed out after %s", timeout);
        return null;
    }

    /** true when each completed run has an evaluation of its final epoch */
    private static boolean allEvaluated(JsonNode results, Map<String, Integer> finalEpoch) {
        for (Map.Entry<String, Integer> e : finalEpoch.entrySet()) {
            JsonNode last = lastEvaluation(results, e.getKey());
            if (last == null || last.path("epoch").asInt() < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    /** the run's entry in GET /experiments/{id}/results: {runId, prediction, patch, epochs: [...]} */
    private static JsonNode runOf(JsonNode results, String runId) {
        for (JsonNode run : results.path("runs")) {
            if (runId.equals(run.path("runId").asText())) {
                return run;
            }
        }
        return null;
    }

    private static JsonNode lastEvaluation(JsonNode results, String runId) {
        JsonNode run = runOf(results, runId);
        JsonNode last = null;
        if (run != null) {
            for (JsonNode ev : run.path("epochs")) {
                if (last == null
                        || ev.path("epoch").asInt() > last.path("epoch").asInt()) {
                    last = ev;
                }
            }
        }
        return last;
    }

    private void printResults(JsonNode results, List<String> runIds, Path data) {
        if (results == null) {
            return;
        }
        System.out.println();
        System.out.printf(
                "%-26s %5s %5s %5s %-14s %9s %-14s %7s %-15s %9s %8s %8s%n",
                "run",
                "pred",
                "patch",
                "epoch",
                "fd metric",
                "fd",
                "is metric",
                "is",
                "kid metric",
                "kid",
                "samples",
                "loss");
        List<String> grids = new ArrayList<>();
        for (String runId : runIds) {
            JsonNode run = runOf(results, runId);
            JsonNode last = lastEvaluation(results, runId);
            if (run == null || last == null) {
                System.out.printf("%-26s (no evaluation: the run failed)%n", runId);
                continue;
            }
            System.out.printf(
                    Locale.ROOT,
                    "%-26s %5s %5s %5d %-14s %9s %-14s %7s %-15s %9s %8d %8s%n",
                    runId,
                    run.path("prediction").asText("?"),
                    run.path("patch").asText("?"),
                    last.path("epoch").asInt(),
                    last.path("fdMetric").asText(),
                    num(last.path("fd"), "%.2f"),
                    last.path("isMetric").asText(),
                    num(last.path("isMean"), "%.3f"),
                    last.path("kidMetric").asText("-"),
                    // raw: the x1000 habit belongs to Inception features; a classifier's are scaled otherwise
                    num(last.path("kid"), "%.4g"),
                    last.path("numSamples").asInt(),
                    num(last.path("trainLoss"), "%.4f"));
            for (JsonNode ev : run.path("epochs")) {
                grids.add(ev.path("gridKey").asText());
            }
        }
        System.out.println();
        System.out.println("FD/IS/KID are computed in the feature space named in the table (fd_classifier: the"
                + " project's Fashion-MNIST classifier, not Inception FID); KID (unbiased, 100 subsets) is in that space's units too;"
                + " samples = images generated per evaluation.");
        System.out.println("grids, one per checkpoint epoch (object keys in bucket denoise-lab; files under "
                + data.resolve("grids") + "):");
        grids.forEach(g -> System.out.println("  " + g));
    }

    /** copies every grid (served by the eval service from the object store) into a local folder */
    private void exportGrids(JsonNode results, String evalUrl, Path folder) throws IOException, InterruptedException {
        if (results == null) {
            return;
        }
        for (JsonNode run : results.path("runs")) {
            for (JsonNode ev : run.path("epochs")) {
                String key = ev.path("gridKey").asText(null);
                if (key == null) {
                    continue;
                }
                HttpResponse<byte[]> r = http.send(
                        HttpRequest.newBuilder(URI.create(evalUrl + "/objects/" + key))
                                .timeout(Duration.ofSeconds(30))
                                .GET()
                                .build(),
                        HttpResponse.BodyHandlers.ofByteArray());
                if (r.statusCode() == 200) {
                    Path file = folder.resolve(key);
                    Files.createDirectories(file.getParent());
                    Files.write(file, r.body());
                }
            }
        }
    }

    private JsonNode post(String url, String body, String token) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(URI.create(url))
                        .timeout(Duration.ofSeconds(30))
                        .header("Content-Type", "application/json")
                        .header("Authorization", "Bearer " + token)
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() / 100 != 2) {
            throw new IllegalStateException("POST " + url + " answered " + r.statusCode() + ": " + r.body());
        }
        return JSON.readTree(r.body());
    }

    /** GET as JSON; null on 404 or while a service is briefly unreachable */
    private JsonNode get(String url) throws InterruptedException {
        try {
            HttpResponse<String> r = http.send(
                    HttpRequest.newBuilder(URI.create(url))
                            .timeout(Duration.ofSeconds(30))
                            .GET()
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? JSON.readTree(r.body()) : null;
        } catch (IOException e) {
            return null;
        }
    }

    private static String num(JsonNode n, String format) {
        return n.isNumber() ? String.format(Locale.ROOT, format, n.asDouble()) : "-";
    }

    private static String eta(JsonNode n) {
        if (!n.isNumber()) {
            return "-";
        }
        long s = Math.round(n.asDouble());
        return s >= 60 ? String.format("%dm%02ds", s / 60, s % 60) : s + "s";
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }

    private static void log(String format, Object... args) {
        System.out.printf("[main] " + format + "%n", args);
    }
}
