package org.denoiselab.eval;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.startsWith;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.Map;
import org.denoiselab.service.LocalRuntimeResource;
import org.junit.jupiter.api.Test;

/**
 * DENOISE_AUTH_PROTECT_READS=true on the eval service: the results pages, their JSON and /objects need the
 * bearer token too; health and metrics stay open for the probes and Prometheus.
 */
@QuarkusTest
@TestProfile(ProtectedReadsTest.ReadsProtected.class)
@WithTestResource(LocalRuntimeResource.class)
class ProtectedReadsTest {
    public static class ReadsProtected implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("denoise.auth.protect-reads", "true");
        }
    }

    @Test
    void readsNeedTheTokenAndProbesDoNot() {
        for (String path : new String[] {
            "/",
            "/experiments",
            "/experiments/exp-any",
            "/experiments/exp-any/results",
            "/objects/runs/r/grids/epoch-0001.png"
        }) {
            given().get(path).then().statusCode(401).header("WWW-Authenticate", startsWith("Bearer"));
            given().header("Authorization", "Bearer wrong-token-0123456789abcdef0123456789")
                    .get(path)
                    .then()
                    .statusCode(401);
        }
        String token = "Bearer " + LocalRuntimeResource.API_TOKEN;
        given().header("Authorization", token).get("/experiments").then().statusCode(200);
        given().header("Authorization", token)
                .get("/experiments/exp-any")
                .then()
                .statusCode(404);
        given().get("/q/health/ready").then().statusCode(200);
        given().get("/q/metrics").then().statusCode(200);
    }
}
