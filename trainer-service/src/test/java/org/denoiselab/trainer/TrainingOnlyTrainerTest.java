package org.denoiselab.trainer;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import org.denoiselab.service.LocalRuntimeResource;
import org.denoiselab.service.Pipeline;
import org.junit.jupiter.api.Test;

/**
 * The GPU trainer's role (k8s trainer-service: DENOISE_TRAINER_INTAKE=false, DENOISE_SHUTDOWN_GRACE_SECONDS=540)
 * against a real broker: it consumes runs only; requests and run status are the intake's.
 */
@QuarkusTest
@TestProfile(TrainingOnlyTrainerTest.TrainingOnly.class)
@WithTestResource(LocalRuntimeResource.class)
class TrainingOnlyTrainerTest {
    public static class TrainingOnly implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("denoise.trainer.intake", "false", "denoise.shutdown-grace-seconds", "540");
        }
    }

    @Inject
    Pipeline pipeline;

    @Test
    void consumesRunsOnlyAndPointsRequestsToTheIntake() {
        given().contentType("application/json")
                .header("Authorization", "Bearer " + LocalRuntimeResource.API_TOKEN)
                .body("{\"preset\": \"quick\"}")
                .post("/experiments")
                .then()
                .statusCode(404)
                .body("error", containsString("trainer-intake"));
        given().get("/runs").then().statusCode(404).body("error", containsString("DENOISE_TRAINER_INTAKE=false"));
        given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
        given().get("/q/metrics")
                .then()
                .statusCode(200)
                .body(containsString("group=\"trainers\""))
                .body(not(containsString("group=\"trainer-intake\"")))
                .body(not(containsString("topic=\"run-status\"")))
                .body(containsString("trainer_runs_completed_total"));
        assertEquals(Duration.ofSeconds(540), pipeline.loopOptions().cancelGrace());
    }
}
