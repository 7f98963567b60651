package org.denoiselab.trainer;

import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import org.denoiselab.experiment.InvalidRequestException;
import org.denoiselab.experiment.json.MessageException;
import org.denoiselab.science.spec.RunSpec;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * POST /experiments: the request JSON in; 202 with the ids, or 400 with every reason (the exception
 * mappers below turn a refused request into its {@link Rejected} answer).
 */
@Path("/experiments")
public class ExperimentResource {
    /** @param warnings what the request allows but probably does not mean (field and reason); empty when none */
    public record Accepted(String experimentId, List<String> runIds, List<Problem> warnings) {}

    public record Problem(String field, String reason) {}

    public record Rejected(String error, List<Problem> problems) {}

    @Inject
    ExperimentIntake intake;

    @Inject
    TrainerRole role;

    @POST
    @Consumes({MediaType.APPLICATION_JSON, MediaType.TEXT_PLAIN, MediaType.APPLICATION_OCTET_STREAM})
    @Produces(MediaType.APPLICATION_JSON)
    public Response submit(byte[] body) {
        role.requireIntake();
        ExperimentIntake.Submitted s = intake.submit(body);
        List<String> runIds = s.experiment().runs().stream().map(RunSpec::runId).toList();
        List<Problem> warnings = s.experiment().warnings().stream()
                .map(v -> new Problem(v.field(), v.reason()))
                .toList();
        return Response.accepted(new Accepted(s.experiment().experimentId(), runIds, warnings))
                .build();
    }

    /** a request that parses but cannot run: every violation, each naming its field */
    @ServerExceptionMapper
    public Response invalid(InvalidRequestException e) {
        List<Problem> problems = e.violations().stream()
                .map(v -> new Problem(v.field(), v.reason()))
                .toList();
        return rejected(new Rejected(e.getMessage(), problems));
    }

    /** a request that does not parse: the field and what was wrong with it */
    @ServerExceptionMapper
    public Response unreadable(MessageException e) {
        return rejected(new Rejected(e.getMessage(), List.of(new Problem(e.field(), e.reason()))));
    }

    /** the store did not answer a check the request needs: 503, try again (nothing was published) */
    @ServerExceptionMapper
    public Response unavailable(ExperimentIntake.StoreUnavailableException e) {
        return Response.status(Response.Status.SERVICE_UNAVAILABLE)
                .type(MediaType.APPLICATION_JSON)
                .header("Retry-After", "30")
                .entity(new Rejected(e.getMessage(), List.of(new Problem("evaluation.referenceStats", e.getMessage()))))
                .build();
    }

    private static Response rejected(Rejected body) {
        return Response.status(Response.Status.BAD_REQUEST)
                .type(MediaType.APPLICATION_JSON)
                .entity(body)
                .build();
    }
}
