package org.denoiselab.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import org.denoiselab.experiment.json.Json;
import org.junit.jupiter.api.Test;

/**
 * Every preset of the table stands on "base" alone: it names its own data, model, targets, budget and
 * scorer, so retuning one preset (the fmnist default's learning rate, say) cannot change another. The
 * quick preset once took fmnist's learning rate and checkpoint interval that way, unnoticed.
 */
class PresetsTest {
    /** the fields each preset must set itself, as paths into its entry */
    private static final List<String> OWN_FIELDS = List.of(
            "/dataset/kind",
            "/model/arch",
            "/prediction",
            "/train/epochs",
            "/train/batchSize",
            "/train/learningRate",
            "/train/checkpointEvery",
            "/sampling/solver",
            "/sampling/steps",
            "/sampling/numEval",
            "/evaluation/extractor");

    @Test
    void everyPresetSetsItsOwnDataModelBudgetAndScorer() throws IOException {
        JsonNode table;
        try (InputStream in = Presets.class.getResourceAsStream(Presets.TABLE_RESOURCE)) {
            table = Json.mapper().readTree(in);
        }
        assertEquals(Presets.names().size() + 1, table.size(), "the table holds base and every preset");
        for (String name : Presets.names()) {
            for (String field : OWN_FIELDS) {
                assertTrue(
                        !table.get(name).at(field).isMissingNode(),
                        "preset " + name + " does not set " + field + " itself");
            }
            // what the table says is what a request naming the preset gets
            ExperimentRequest defaults = Presets.defaults(name);
            assertEquals(
                    table.get(name).at("/dataset/kind").asText(),
                    defaults.dataset().kind(),
                    name);
            assertEquals(
                    table.get(name).at("/train/epochs").asInt(),
                    defaults.train().epochs().intValue(),
                    name);
        }
    }
}
