package org.denoiselab.trainer;

import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import org.denoiselab.core.experiment.InvalidRequestException;
import org.denoiselab.core.experiment.RunSpec;
import org.denoiselab.core.pipeline.MessageException;

/** POST /experiments: the request JSON in; 202 with the ids, or 400 with every reason. */
@Path("/experiments")
public class ExperimentResource {
    public record Accepted(String experimentId, List<String> runIds) {}

    public record Problem(String field, String reason) {}

    public record Rejected(String error, List<Problem> problems) {}

    @Inject
    ExperimentIntake intake;

    @POST
    @Consumes({MediaType.APPLICATION_JSON, MediaType.TEXT_PLAIN, MediaType.APPLICATION_OCTET_STREAM})
    @Produces(MediaType.APPLICATION_JSON)
    public Response submit(byte[] body) {
        try {
            ExperimentIntake.Submitted s = intake.submit(body);
            List<String> runIds = s.experiment().runs().stream().map(RunSpec::runId).toList();
            return Response.accepted(new Accepted(s.experiment().experimentId(), runIds)).build();
        } catch (InvalidRequestException e) {
            List<Problem> problems = e.violations().stream().map(v -> new Problem(v.field(), v.reason())).toList();
            return Response.status(Response.Status.BAD_REQUEST).entity(new Rejected(e.getMessage(), problems)).build();
        } catch (MessageException e) {
            return Response.status(Response.Status.BAD_REQUEST)
                    .entity(new Rejected(e.getMessage(), List.of(new Problem(e.field(), e.reason())))).build();
        }
    }
}
