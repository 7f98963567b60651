package org.denoiselab.trainer;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.Map;
import org.denoiselab.service.LocalRuntimeResource;
import org.junit.jupiter.api.Test;

/**
 * The intake's role (k8s trainer-intake: DENOISE_TRAINER_CONSUME=false) against a real broker: it takes
 * requests and queues runs but never trains one, and registers no training meters.
 */
@QuarkusTest
@TestProfile(IntakeOnlyTrainerTest.IntakeOnly.class)
@WithTestResource(LocalRuntimeResource.class)
class IntakeOnlyTrainerTest {
    public static class IntakeOnly implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("denoise.trainer.consume", "false");
        }
    }

    @Test
    void takesRequestsButNeverTrains() {
        given().contentType("application/json")
                .header("Authorization", "Bearer " + LocalRuntimeResource.API_TOKEN)
                .body("{\"preset\": \"quick\", \"prediction\": [\"x\", \"v\"]}")
                .post("/experiments")
                .then()
                .statusCode(202)
                .body("runIds", hasSize(2));
        given().get("/q/metrics")
                .then()
                .statusCode(200)
                .body(containsString("group=\"trainer-intake\""))
                .body(not(containsString("group=\"trainers\"")))
                .body(not(containsString("trainer_run")));
    }
}
