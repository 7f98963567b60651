package org.denoiselab.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.denoiselab.experiment.json.MessageException;
import org.junit.jupiter.api.Test;

/** Requests whose every field is valid but that mean nothing together, and messages that must read well. */
class CrossFieldRulesTest {
    private static List<Violation> violations(String json) {
        return RequestValidator.structural().validate(Presets.resolve(ExperimentRequest.parse(json)));
    }

    private static Violation only(String json) {
        List<Violation> v = violations(json);
        assertEquals(1, v.size(), v.toString());
        return v.get(0);
    }

    @Test
    void guidanceNeedsDroppedLabels() {
        Violation v =
                only("{\"preset\": \"fmnist\", \"sampling\": {\"cfgScale\": 3}, \"train\": {\"labelDropProb\": 0}}");
        assertEquals("sampling.cfgScale", v.field());
        assertTrue(v.reason().contains("train.labelDropProb > 0") && v.reason().contains("null class"), v.reason());
        assertEquals(List.of(), violations("{\"preset\": \"fmnist\", \"sampling\": {\"cfgScale\": 3}}"), "drop 0.1");
        assertEquals(List.of(), violations("{\"preset\": \"toy\"}"), "no dropping, no guidance");
    }

    @Test
    void ddpmSamplingStepsLieWithinTheChain() {
        Violation v = only("{\"preset\": \"fmnist\", \"method\": \"ddpm\", \"sampling\": {\"steps\": 1001}}");
        assertEquals("sampling.steps", v.field());
        assertTrue(v.reason().contains("1..T = 1000"), v.reason());
        assertEquals(
                "sampling.steps",
                only("{\"preset\": \"fmnist\", \"method\": \"ddpm\", \"sampling\": {\"steps\": 0}}")
                        .field());
        assertEquals(
                List.of(), violations("{\"preset\": \"fmnist\", \"method\": \"ddpm\", \"sampling\": {\"steps\": 50}}"));
    }

    @Test
    void theBatchFitsTheLimitedDataset() {
        Violation v = only("{\"preset\": \"fmnist\", \"dataset\": {\"limit\": 100}, \"train\": {\"batchSize\": 128}}");
        assertEquals("train.batchSize", v.field());
        assertTrue(v.reason().contains("dataset.limit 100"), v.reason());
        assertEquals(List.of(), violations("{\"preset\": \"fmnist\", \"dataset\": {\"limit\": 128}}"));
    }

    @Test
    void evaluationSampleCountsAgainstTheFeatureDimension() {
        // refused: one sample has no covariance
        Violation v = only("{\"preset\": \"fmnist\", \"sampling\": {\"numEval\": 1, \"gridSize\": 1}}");
        assertEquals("sampling.numEval", v.field());
        assertTrue(v.reason().contains("at least 2"), v.reason());
        // warned: 100 samples of 128-d classifier features give a singular covariance; the FD is still exact
        Experiment e = Experiments.accept(
                "{\"preset\": \"fmnist\", \"sampling\": {\"numEval\": 100}}".getBytes(StandardCharsets.UTF_8),
                loc -> true);
        assertEquals(1, e.warnings().size(), e.warnings().toString());
        assertEquals("sampling.numEval", e.warnings().get(0).field());
        assertTrue(
                e.warnings().get(0).reason().contains("128-dimensional classifier"),
                e.warnings().toString());
        assertEquals(
                List.of(),
                Experiments.accept("{\"preset\": \"fmnist\"}".getBytes(StandardCharsets.UTF_8), loc -> true)
                        .warnings());
    }

    @Test
    void imagefolderChoosesItsSideAndNeedsALocation() {
        List<Violation> v =
                violations("{\"preset\": \"quick\", \"dataset\": {\"kind\": \"imagefolder\", \"imageSize\": 32}, "
                        + "\"model\": {\"patch\": 4}}");
        assertEquals(List.of(new Violation("dataset.location", "missing: required for imagefolder")), v);
        assertEquals(
                List.of(),
                violations("{\"preset\": \"quick\", \"dataset\": {\"kind\": \"imagefolder\","
                        + " \"imageSize\": 32, \"location\": \"/data/mine\"}, \"model\": {\"patch\": 4}}"));
    }

    @Test
    void messagesReadWell() {
        MessageException trailing =
                assertThrows(MessageException.class, () -> ExperimentRequest.parse("{\"preset\": \"quick\"} {}"));
        assertTrue(trailing.getMessage().contains("more than one JSON value"), trailing.getMessage());
        assertTrue(!trailing.getMessage().contains("expected an object, got an object"), trailing.getMessage());
        MessageException nested = assertThrows(
                MessageException.class,
                () -> ExperimentRequest.parse("{\"preset\": \"quick\", \"dataset\": {\"kind\": }}"));
        assertEquals("dataset.kind", nested.field(), nested.getMessage());
        MessageException open = assertThrows(MessageException.class, () -> ExperimentRequest.parse("{\"preset\": "));
        assertTrue(
                !open.getMessage().contains("Source:") && !open.getMessage().contains("REDACTED"), open.getMessage());
        MessageException deep = assertThrows(
                MessageException.class,
                () -> ExperimentRequest.parse("{\"model\": " + "[".repeat(2000) + "]".repeat(2000) + "}"));
        assertEquals("model", deep.field().substring(0, 5), deep.getMessage());
        assertTrue(!deep.getMessage().contains("StreamReadConstraints"), deep.getMessage());
        Violation sweep =
                only("{\"preset\": \"toy\", \"dataset\": {\"toyDim\": [2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,"
                        + "19,20,21,22,23,24,25,26,27,28,29,30,31,32,33,34,35,36,37,38,39,40,41,42,43,44,45,46,47,48,49,50,51,"
                        + "52,53,54,55,56,57,58,59,60,61,62,63,64,65,66,67,68,69,70,71,72,73,74,75,76,77,78,79,80,81,82,83,84,"
                        + "85,86,87,88,89]}}");
        assertTrue(sweep.field().contains("dataset.toyDim") && !sweep.field().equals("$"), sweep.field());
    }
}
