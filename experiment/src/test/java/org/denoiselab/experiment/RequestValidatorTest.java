package org.denoiselab.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Predicate;
import org.denoiselab.experiment.json.MessageException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each kind of bad request gives a violation naming its field. */
class RequestValidatorTest {

    private static List<Violation> violations(String json, Predicate<String> exists) {
        return new RequestValidator(exists).validate(Presets.resolve(ExperimentRequest.parse(json)));
    }

    private static List<Violation> violations(String json) {
        return violations(json, loc -> true);
    }

    private static Violation only(String json) {
        List<Violation> v = violations(json);
        assertEquals(1, v.size(), v.toString());
        return v.get(0);
    }

    @Test
    void unknownValuesAreNamed() {
        assertEquals(
                "prediction[1]",
                only("{\"preset\": \"fmnist\", \"prediction\": [\"x\", \"noise\"]}")
                        .field());
        assertEquals(
                "loss[0]", only("{\"preset\": \"fmnist\", \"loss\": \"w\"}").field());
        assertEquals(
                "method", only("{\"preset\": \"fmnist\", \"method\": \"gan\"}").field());
        assertEquals(
                "sampling.solver",
                only("{\"preset\": \"fmnist\", \"sampling\": {\"solver\": \"rk4\"}}")
                        .field());
        assertEquals(
                "evaluation.extractor",
                only("{\"preset\": \"fmnist\", \"evaluation\": {\"extractor\": \"clip\"}}")
                        .field());
        assertEquals(
                "train.timeSampling",
                only("{\"preset\": \"toy\", \"train\": {\"timeSampling\": \"beta\"}}")
                        .field());
        Violation size = only("{\"preset\": \"fmnist\", \"model\": {\"size\": [\"T\", \"XL\"]}}");
        assertEquals("model.size[1]", size.field());
        assertTrue(size.reason().contains("'XL'") && size.reason().contains("T, S, B, L"), size.reason());
        assertEquals(
                "dataset.kind",
                only("{\"preset\": \"fmnist\", \"dataset\": {\"kind\": \"mnist\"}}")
                        .field());
    }

    @Test
    void unknownPresetIsAnInvalidRequest() {
        InvalidRequestException e = assertThrows(
                InvalidRequestException.class,
                () -> Presets.resolve(ExperimentRequest.parse("{\"preset\": \"imagenet\"}")));
        assertEquals("preset", e.field());
        assertThrows(InvalidRequestException.class, () -> Presets.resolve(ExperimentRequest.parse("{}")));
    }

    @Test
    void patchMustDivideTheImage() {
        Violation v = only("{\"preset\": \"fmnist\", \"model\": {\"patch\": [4, 5]}}");
        assertEquals("model.patch[1]", v.field());
        assertEquals("5 does not divide the image side 28", v.reason());
        assertEquals(
                "model.patch[0]",
                only("{\"preset\": \"cifar10\", \"dataset\": {\"location\": \"/c\"}, \"model\": {\"patch\": 7}}")
                        .field());
        assertEquals(
                "model.patch[0]",
                only("{\"preset\": \"celeba\", \"dataset\": {\"location\": \"/c\", \"imageSize\": 96}, \"model\": {\"patch\": [64]}}")
                        .field());
        assertEquals(
                List.of(),
                violations(
                        "{\"preset\": \"celeba\", \"dataset\": {\"location\": \"/c\", \"imageSize\": 96}, \"model\": {\"patch\": [8, 96]}}"));
        Violation tooBig = only("{\"preset\": \"fmnist\", \"model\": {\"patch\": 56}}");
        assertEquals("model.patch[0]", tooBig.field());
        assertTrue(tooBig.reason().contains("1..28"), tooBig.reason());
    }

    @Test
    void negativeAndAbsurdSizesAreNamed() {
        assertEquals(
                "train.epochs",
                only("{\"preset\": \"quick\", \"train\": {\"epochs\": -1}}").field());
        assertEquals(
                "train.epochs",
                only("{\"preset\": \"quick\", \"train\": {\"epochs\": 10001}}").field());
        assertEquals(
                "train.batchSize",
                only("{\"preset\": \"quick\", \"train\": {\"batchSize\": 0}}").field());
        assertEquals(
                "train.batchSize",
                only("{\"preset\": \"quick\", \"train\": {\"batchSize\": 100000}}")
                        .field());
        assertEquals(
                "train.learningRate[0]",
                only("{\"preset\": \"quick\", \"train\": {\"learningRate\": 1.5}}")
                        .field());
        assertEquals(
                "train.learningRate[1]",
                only("{\"preset\": \"quick\", \"train\": {\"learningRate\": [1e-4, -1e-4]}}")
                        .field());
        assertEquals(
                "sampling.steps",
                only("{\"preset\": \"quick\", \"sampling\": {\"steps\": 0}}").field());
        assertEquals(
                "sampling.steps",
                only("{\"preset\": \"quick\", \"sampling\": {\"steps\": 5000}}").field());
        assertEquals(
                "sampling.gridSize",
                only("{\"preset\": \"quick\", \"sampling\": {\"gridSize\": 33}}")
                        .field());
        assertEquals(
                "sampling.numEval",
                only("{\"preset\": \"quick\", \"sampling\": {\"numEval\": -5}}").field());
        assertEquals(
                "sampling.numEval",
                only("{\"preset\": \"quick\", \"sampling\": {\"numEval\": 1000000}}")
                        .field());
        assertEquals(
                "dataset.toyDim[2]",
                only("{\"preset\": \"toy\", \"dataset\": {\"toyDim\": [2, 8, 1]}}")
                        .field());
        assertEquals(
                "dataset.toyDim[0]",
                only("{\"preset\": \"toy\", \"dataset\": {\"toyDim\": 100000}}").field());
        assertEquals(
                "dataset.limit",
                only("{\"preset\": \"quick\", \"dataset\": {\"limit\": -1}}").field());
        assertEquals(
                "train.checkpointEvery",
                only("{\"preset\": \"quick\", \"train\": {\"checkpointEvery\": 0}}")
                        .field());
        assertEquals(
                "train.emaDecay",
                only("{\"preset\": \"quick\", \"train\": {\"emaDecay\": 1.0}}").field());
        assertEquals(
                "dataset.imageSize",
                only("{\"preset\": \"fmnist\", \"dataset\": {\"imageSize\": 32}}")
                        .field());
    }

    @Test
    void missingDatasetIsNamed() {
        Violation v = only("{\"preset\": \"cifar10\"}");
        assertEquals("dataset.location", v.field());
        assertEquals("missing: required for cifar10", v.reason());
        assertEquals("dataset.location", only("{\"preset\": \"celeba\"}").field());
    }

    @Test
    void datasetLocationIsCheckedByThePluggableTest(@TempDir Path dir) throws Exception {
        Path present = Files.createDirectory(dir.resolve("cifar-10-batches-bin"));
        Predicate<String> localPath = loc -> Files.exists(Path.of(loc));
        assertEquals(
                List.of(),
                violations("{\"preset\": \"cifar10\", \"dataset\": {\"location\": \"" + present + "\"}}", localPath));
        List<Violation> v = violations(
                "{\"preset\": \"cifar10\", \"dataset\": {\"location\": \"" + dir.resolve("nope") + "\"}}", localPath);
        assertEquals(1, v.size());
        assertEquals("dataset.location", v.get(0).field());
        assertTrue(v.get(0).reason().contains("nope"), v.get(0).reason());
    }

    @Test
    void ddpmWithAnExplicitNonEpsTargetIsAContradiction() {
        Violation v = only("{\"preset\": \"fmnist\", \"method\": \"ddpm\", \"prediction\": \"x\"}");
        assertEquals("prediction", v.field());
        assertEquals(
                "sampling.solver",
                only("{\"preset\": \"fmnist\", \"method\": \"ddpm\", \"sampling\": {\"solver\": \"heun\"}}")
                        .field());
    }

    @Test
    void duplicatesAndBadIdsAreNamed() {
        assertEquals(
                "prediction[1]",
                only("{\"preset\": \"fmnist\", \"prediction\": [\"eps\", \"e\"]}")
                        .field());
        assertEquals(
                "model.patch[1]",
                only("{\"preset\": \"fmnist\", \"model\": {\"patch\": [4, 4]}}").field());
        assertEquals(
                "experimentId",
                only("{\"preset\": \"quick\", \"experimentId\": \"../etc\"}").field());
        assertEquals(
                "schemaVersion",
                only("{\"preset\": \"quick\", \"schemaVersion\": 2}").field());
        assertEquals(
                "prediction",
                only("{\"preset\": \"quick\", \"prediction\": []}").field());
    }

    @Test
    void precisionIsFp32OrFp16AndFp16OnlyForJit() {
        assertEquals(List.of(), violations("{\"preset\": \"fmnist\", \"train\": {\"precision\": \"fp16\"}}"));
        Violation bf16 = only("{\"preset\": \"fmnist\", \"train\": {\"precision\": \"bf16\"}}");
        assertEquals("train.precision", bf16.field());
        assertTrue(bf16.reason().contains("fp32, fp16"), bf16.reason());
        Violation toy = only("{\"preset\": \"toy\", \"train\": {\"precision\": \"fp16\"}}");
        assertEquals("train.precision", toy.field());
        assertTrue(toy.reason().contains("jit only"), toy.reason());
    }

    @Test
    void archMustMatchTheDataset() {
        assertEquals(
                "model.arch",
                only("{\"preset\": \"toy\", \"model\": {\"arch\": \"jit\"}}").field());
    }

    @Test
    void acceptReportsEveryViolationInOneMessage() {
        byte[] json = "{\"preset\": \"cifar10\", \"model\": {\"patch\": 5}, \"train\": {\"epochs\": 0}}"
                .getBytes(StandardCharsets.UTF_8);
        InvalidRequestException e =
                assertThrows(InvalidRequestException.class, () -> Experiments.accept(json, loc -> true));
        assertEquals(3, e.violations().size(), e.getMessage());
        assertTrue(e.getMessage().contains("dataset.location: missing: required for cifar10"), e.getMessage());
        assertTrue(e.getMessage().contains("model.patch[0]: 5 does not divide the image side 32"), e.getMessage());
        assertTrue(e.getMessage().contains("train.epochs: 0 is out of range, expected 1..10000"), e.getMessage());
        // unparseable input is the same exception family, so a consumer needs one catch
        MessageException bad = assertThrows(
                MessageException.class,
                () -> Experiments.accept(
                        "{\"sampling\": {\"stepz\": 1}}".getBytes(StandardCharsets.UTF_8), loc -> true));
        assertEquals("sampling.stepz", bad.field());
    }

    @Test
    void hugeSweepsAreRefused() {
        List<Violation> v = violations(
                "{\"preset\": \"toy\", \"dataset\": {\"toyDim\": [2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,32,33,34,35,36,37,38,39,40,41,42,43,44,45,46,47,48,49,50,51,52,53,54,55,56,57,58,59,60,61,62,63,64,65,66,67,68,69,70,71,72,73,74,75,76,77,78,79,80,81,82,83,84,85,86,87,88,89,90]}, \"loss\": [\"x\", \"v\"]}");
        assertEquals(1, v.size(), v.toString());
        assertTrue(v.get(0).reason().contains("534 runs"), v.get(0).reason());
    }

    /** the services' Locations judge both fields; a refusal becomes a violation naming the field */
    @Test
    void locationsAreJudgedForTheDatasetAndTheReferenceStatistics() {
        List<String> asked = new java.util.ArrayList<>();
        Locations onlyData = (field, location) -> {
            asked.add(field + "=" + location);
            return location.startsWith("/data/")
                    ? java.util.Optional.empty()
                    : java.util.Optional.of("'" + location + "' is outside the allowed data roots (/data)");
        };
        List<Violation> v = new RequestValidator(onlyData)
                .validate(Presets.resolve(
                        ExperimentRequest.parse("{\"preset\": \"cifar10\", \"dataset\": {\"location\": \"/etc\"},"
                                + " \"evaluation\": {\"referenceStats\": \"/data/ref.npz\"}}")));
        assertEquals(List.of(new Violation("dataset.location", "'/etc' is outside the allowed data roots (/data)")), v);
        assertEquals(List.of("dataset.location=/etc", "evaluation.referenceStats=/data/ref.npz"), asked);
        Violation stats = new RequestValidator(onlyData)
                .validate(Presets.resolve(ExperimentRequest.parse(
                        "{\"preset\": \"quick\", \"evaluation\": {\"referenceStats\": \"/etc/ref.npz\"}}")))
                .get(0);
        assertEquals("evaluation.referenceStats", stats.field());
    }
}
