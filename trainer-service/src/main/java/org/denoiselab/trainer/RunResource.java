package org.denoiselab.trainer;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.denoiselab.pipeline.events.RunStatus;

/** GET /runs and GET /runs/{id}: the latest status of each run. */
@Path("/runs")
@Produces(MediaType.APPLICATION_JSON)
public class RunResource {
    @Inject
    RunStatusView statuses;

    @Inject
    TrainerRole role;

    @GET
    public List<RunStatus> all() {
        role.requireIntake();
        return statuses.all();
    }

    @GET
    @Path("/{id}")
    public RunStatus one(@PathParam("id") String id) {
        role.requireIntake();
        return statuses.get(id).orElseThrow(() -> new NotFoundException("no run '" + id + "'"));
    }
}
