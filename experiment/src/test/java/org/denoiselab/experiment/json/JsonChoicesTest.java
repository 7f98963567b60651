package org.denoiselab.experiment.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.denoiselab.experiment.ExperimentRequest;
import org.denoiselab.experiment.Sweep;
import org.denoiselab.science.spec.RunSpec;
import org.junit.jupiter.api.Test;

/** Every science choice travels by its label, and an unknown label names the field and the allowed values. */
class JsonChoicesTest {
    @Test
    void runSpecsTravelWithLabelsAndReadBackEqual() {
        RunSpec spec = Sweep.expand(ExperimentRequest.parse(
                        "{\"preset\": \"fmnist\", \"prediction\": \"x\", \"model\": {\"patch\": 4}}"))
                .get(0);
        String json = Json.encodeToString(spec);
        for (String expected : new String[] {
            "\"prediction\":\"x\"",
            "\"loss\":\"v\"",
            "\"method\":\"flow\"",
            "\"kind\":\"fmnist\"",
            "\"arch\":\"jit\"",
            "\"size\":\"T\"",
            "\"timeSampling\":\"logit_normal\"",
            "\"solver\":\"heun\"",
            "\"extractor\":\"classifier\""
        }) {
            assertTrue(json.contains(expected), expected + " in " + json);
        }
        assertEquals(spec, Json.decode(json, RunSpec.class));
    }

    @Test
    void anUnknownLabelNamesTheFieldAndTheAllowedValues() {
        RunSpec spec =
                Sweep.expand(ExperimentRequest.parse("{\"preset\": \"quick\"}")).get(0);
        String json = Json.encodeToString(spec).replace("\"solver\":\"heun\"", "\"solver\":\"rk4\"");
        MessageException e = assertThrows(MessageException.class, () -> Json.decode(json, RunSpec.class));
        assertEquals("sampling.solver", e.field());
        assertTrue(e.reason().contains("'rk4'") && e.reason().contains("euler, heun, ancestral"), e.reason());
    }
}
