package org.denoiselab.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.denoiselab.experiment.json.MessageException;
import org.junit.jupiter.api.Test;

/** Strict parsing: each kind of unreadable request names its field. */
class ExperimentRequestTest {

    private static MessageException rejected(String json) {
        return assertThrows(MessageException.class, () -> ExperimentRequest.parse(json));
    }

    @Test
    void singleValuesAndListsBothParseAsLists() {
        ExperimentRequest r = ExperimentRequest.parse("""
                {"schemaVersion": 1, "preset": "fmnist", "prediction": "x", "loss": ["v", "x"],
                 "model": {"patch": 4, "size": ["T", "S"]}, "train": {"learningRate": 1e-4, "epochs": 3},
                 "dataset": {"toyDim": [2, 512]}}
                """);
        assertEquals(List.of("x"), r.prediction());
        assertEquals(List.of("v", "x"), r.loss());
        assertEquals(List.of(4), r.model().patch());
        assertEquals(List.of("T", "S"), r.model().size());
        assertEquals(List.of(1e-4), r.train().learningRate());
        assertEquals(3, r.train().epochs());
        assertEquals(List.of(2, 512), r.dataset().toyDim());
        assertEquals(null, r.sampling());
    }

    @Test
    void integerStandsForADouble() {
        assertEquals(
                List.of(1.0),
                ExperimentRequest.parse("{\"train\": {\"learningRate\": 1}}")
                        .train()
                        .learningRate());
    }

    @Test
    void unknownNestedFieldIsNamedWithItsPath() {
        MessageException e = rejected("{\"preset\": \"quick\", \"sampling\": {\"stepz\": 10}}");
        assertEquals("sampling.stepz", e.field());
        assertTrue(e.getMessage().startsWith("sampling.stepz: unknown field"), e.getMessage());
        assertTrue(e.getMessage().contains("steps"), "lists the known fields: " + e.getMessage());
    }

    @Test
    void unknownTopLevelField() {
        assertEquals(
                "epochs", rejected("{\"preset\": \"quick\", \"epochs\": 3}").field());
    }

    @Test
    void wrongTypesAreNamedAndNotCoerced() {
        assertEquals(
                "train.epochs", rejected("{\"train\": {\"epochs\": \"4\"}}").field());
        assertEquals("train.epochs", rejected("{\"train\": {\"epochs\": 2.5}}").field());
        assertEquals(
                "model.patch[1]",
                rejected("{\"model\": {\"patch\": [4, \"x\"]}}").field());
        assertEquals("prediction[0]", rejected("{\"prediction\": [1]}").field());
        assertEquals("sampling", rejected("{\"sampling\": 5}").field());
        assertEquals(
                "train.learningRate[0]",
                rejected("{\"train\": {\"learningRate\": \"fast\"}}").field());
        MessageException e = rejected("{\"sampling\": {\"steps\": true}}");
        assertEquals("sampling.steps", e.field());
        assertTrue(e.reason().contains("integer"), e.reason());
    }

    @Test
    void numberOutOfIntRangeNamesTheField() {
        assertEquals(
                "train.epochs",
                rejected("{\"train\": {\"epochs\": 99999999999}}").field());
    }

    @Test
    void badJsonIsReportedWithItsPosition() {
        MessageException e = rejected("{\"preset\": \"fmnist\", \"model\": {\"patch\": [4,}");
        assertTrue(e.reason().startsWith("invalid JSON at line 1"), e.reason());
        assertEquals("model.patch[1]", e.field(), "the element the parser choked on");
        assertEquals("$", rejected("not json").field());
        assertEquals("$", rejected("").field());
        assertEquals("$", rejected("null").field());
        assertEquals("$", rejected("[1, 2]").field());
        assertEquals("$", rejected("{\"preset\": \"toy\"} trailing").field());
    }

    @Test
    void duplicateKeysAreRejected() {
        assertEquals(
                "preset",
                rejected("{\"preset\": \"toy\", \"preset\": \"fmnist\"}").field());
    }
}
