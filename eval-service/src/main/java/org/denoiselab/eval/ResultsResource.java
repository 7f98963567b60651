package org.denoiselab.eval;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import org.denoiselab.core.experiment.RunSpec;
import org.denoiselab.core.pipeline.EvaluationEvent;
import org.denoiselab.core.pipeline.ObjectLayout;
import org.denoiselab.core.pipeline.ObjectStoreException;
import org.denoiselab.service.Pipeline;

/**
 * Results of an experiment: JSON (GET /experiments/{id}/results), a page with the FD/IS table and the
 * grids (GET /experiments/{id}), and the grid images themselves from the store (GET /objects/{key}).
 */
@Path("/")
public class ResultsResource {
    /** one scored checkpoint; the metric names say which extractor produced the scores */
    public record EpochResult(int epoch, String extractor, String fdMetric, Double fd, String isMetric, Double isMean,
                              Double isStd, int numSamples, Double trainLoss, String gridKey, String batchKey) {}

    public record RunResult(String runId, String dataset, String model, Integer patch, String method, String prediction,
                            String loss, List<EpochResult> epochs) {}

    public record ExperimentResults(String experimentId, List<RunResult> runs) {}

    @Inject
    ResultsView view;

    @Inject
    Pipeline pipeline;

    @GET
    @Path("experiments/{id}/results")
    @Produces(MediaType.APPLICATION_JSON)
    public ExperimentResults results(@PathParam("id") String id) {
        return collect(id);
    }

    @GET
    @Path("experiments/{id}")
    @Produces(MediaType.TEXT_HTML)
    public String page(@PathParam("id") String id) {
        return ResultsPage.render(collect(id));
    }

    /** Run objects only (grids, batches), not arbitrary keys of the bucket. */
    @GET
    @Path("objects/{key: .+}")
    public Response object(@PathParam("key") String key) {
        if (!key.startsWith("runs/") || key.contains("..")) {
            throw new NotFoundException("only run objects (runs/...) are served");
        }
        try {
            // the checksum recorded at upload, so a damaged object is refused rather than served
            String sha = pipeline.store().storedSha256(key)
                    .orElseThrow(() -> new NotFoundException("no object '" + key + "' with a recorded checksum"));
            byte[] bytes = pipeline.store().get(key, sha);
            String type = key.endsWith(".png") ? "image/png" : MediaType.APPLICATION_OCTET_STREAM;
            return Response.ok(bytes, type).header("Cache-Control", "max-age=3600").build();
        } catch (ObjectStoreException.NotFound e) {
            throw new NotFoundException("no object '" + key + "'");
        }
    }

    private ExperimentResults collect(String id) {
        Map<String, NavigableMap<Integer, EvaluationEvent>> runs = view.experiment(id)
                .orElseThrow(() -> new NotFoundException("no results for experiment '" + id + "' (yet)"));
        List<RunResult> out = new ArrayList<>();
        runs.forEach((runId, epochs) -> {
            RunSpec spec = epochs.lastEntry().getValue().spec();
            List<EpochResult> rows = epochs.values().stream()
                    .map(e -> new EpochResult(e.epoch(), e.extractor(), e.fdMetric(), e.fd(), e.isMetric(), e.isMean(), e.isStd(),
                            e.numSamples(), e.trainLoss(), ObjectLayout.grid(e.runId(), e.epoch()), e.batchKey()))
                    .toList();
            out.add(spec == null
                    ? new RunResult(runId, null, null, null, null, null, null, rows)
                    : new RunResult(runId, spec.dataset().kind(), spec.model().arch() + "-" + spec.model().size(), spec.model().patch(),
                            spec.method().name().toLowerCase(java.util.Locale.ROOT), spec.prediction().label(), spec.loss().label(), rows));
        });
        return new ExperimentResults(id, out);
    }
}
