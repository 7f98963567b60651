package org.denoiselab.service;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready while the broker answers, the bucket can be read and every consumer is running. The store is asked
 * once ({@link org.denoiselab.pipeline.store.ObjectStore#ping}), not through the retries the work uses, so an
 * unreachable store turns the service not-ready at once while its work waits for the store.
 */
@Readiness
@ApplicationScoped
public class PipelineReadiness implements HealthCheck {
    @Inject
    Pipeline pipeline;

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder b = HealthCheckResponse.named("pipeline").up();
        try {
            int nodes = pipeline.admin()
                    .describeCluster()
                    .nodes()
                    .get(3, TimeUnit.SECONDS)
                    .size();
            b.withData("kafka", "up (" + nodes + " brokers)");
        } catch (Exception e) {
            b.down().withData("kafka", "unreachable: " + e);
        }
        try {
            pipeline.store().ping();
            b.withData("s3", "up");
        } catch (RuntimeException e) {
            b.down().withData("s3", "unreachable: " + e.getMessage());
        }
        List<String> dead = pipeline.deadConsumers();
        if (!dead.isEmpty()) {
            b.down().withData("consumers", "stopped: " + String.join(", ", dead));
        }
        return b.build();
    }
}
