package org.denoiselab.trainer;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * What this trainer-service process does. One image, two roles on a cluster: the intake (HTTP API,
 * experiments consumer, run-status view; CPU) and the trainer (runs consumer; GPU). Locally and by default
 * both at once.
 */
@ApplicationScoped
public class TrainerRole {
    /** false on the intake: no consumer of the runs topic, so this process never trains (DENOISE_TRAINER_CONSUME) */
    @ConfigProperty(name = "denoise.trainer.consume", defaultValue = "true")
    boolean consume;

    /**
     * false on the GPU trainer: no experiments consumer, no run-status view; POST /experiments and GET /runs
     * answer 404 pointing to the trainer-intake service (DENOISE_TRAINER_INTAKE)
     */
    @ConfigProperty(name = "denoise.trainer.intake", defaultValue = "true")
    boolean intake;

    /** @throws IllegalStateException when both switches are off (the process would do nothing) */
    void check() {
        if (!consume && !intake) {
            throw new IllegalStateException(
                    "DENOISE_TRAINER_CONSUME=false and DENOISE_TRAINER_INTAKE=false (denoise.trainer.consume,"
                            + " denoise.trainer.intake): this trainer-service would do nothing; set at least one to true");
        }
    }

    public boolean consumes() {
        return consume;
    }

    public boolean takesRequests() {
        return intake;
    }

    /** @throws NotFoundException (404, JSON {"error": ...}) on a training-only replica */
    void requireIntake() {
        if (!intake) {
            throw new NotFoundException(Response.status(Response.Status.NOT_FOUND)
                    .type(MediaType.APPLICATION_JSON)
                    .entity(Map.of(
                            "error",
                            "this trainer-service replica only trains (DENOISE_TRAINER_INTAKE=false):"
                                    + " requests and run status are served by the trainer-intake service"))
                    .build());
        }
    }
}
