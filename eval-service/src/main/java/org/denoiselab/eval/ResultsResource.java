package org.denoiselab.eval;

import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateExtension;
import io.quarkus.qute.TemplateInstance;
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
import org.denoiselab.pipeline.events.EvaluationEvent;
import org.denoiselab.pipeline.store.ObjectLayout;
import org.denoiselab.pipeline.store.ObjectStoreException;
import org.denoiselab.science.spec.RunSpec;
import org.denoiselab.service.Pipeline;

/**
 * Results of an experiment: JSON (GET /experiments/{id}/results), a page with the FD/IS table and the
 * grids (GET /experiments/{id}), and the grid images themselves from the store (GET /objects/{key}).
 */
@Path("/")
public class ResultsResource {
    /** one scored checkpoint; the metric names say which extractor produced the scores */
    public record EpochResult(
            int epoch,
            String extractor,
            String fdMetric,
            Double fd,
            String isMetric,
            Double isMean,
            Double isStd,
            int numSamples,
            Double trainLoss,
            String gridKey,
            String batchKey,
            String kidMetric,
            Double kid,
            Double kidStd,
            List<EvaluationEvent.SweepScore> sweep) {}

    public record RunResult(
            String runId,
            String dataset,
            String model,
            Integer patch,
            String method,
            String prediction,
            String loss,
            List<EpochResult> epochs) {}

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

    /** the page's template, templates/ResultsResource/results.html (Qute escapes every value) */
    @CheckedTemplate
    static class Templates {
        static native TemplateInstance results(ExperimentResults r);
    }

    /** scores as the page prints them: four significant digits, a dash when absent */
    @TemplateExtension(namespace = "fmt")
    static String score(Double v) {
        return v == null ? "–" : String.format(java.util.Locale.ROOT, "%.4g", v);
    }

    @GET
    @Path("experiments/{id}")
    @Produces(MediaType.TEXT_HTML)
    public TemplateInstance page(@PathParam("id") String id) {
        return Templates.results(collect(id));
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
            String sha = pipeline.store()
                    .storedSha256(key)
                    .orElseThrow(() -> new NotFoundException("no object '" + key + "' with a recorded checksum"));
            byte[] bytes = pipeline.store().get(key, sha);
            String type = key.endsWith(".png") ? "image/png" : MediaType.APPLICATION_OCTET_STREAM;
            return Response.ok(bytes, type)
                    .header("Cache-Control", "max-age=3600")
                    .build();
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
                    .map(e -> new EpochResult(
                            e.epoch(),
                            e.extractor(),
                            e.fdMetric(),
                            e.fd(),
                            e.isMetric(),
                            e.isMean(),
                            e.isStd(),
                            e.numSamples(),
                            e.trainLoss(),
                            ObjectLayout.grid(e.runId(), e.epoch()),
                            e.batchKey(),
                            e.kidMetric(),
                            e.kid(),
                            e.kidStd(),
                            e.sweep()))
                    .toList();
            out.add(
                    spec == null
                            ? new RunResult(runId, null, null, null, null, null, null, rows)
                            : new RunResult(
                                    runId,
                                    spec.dataset().kind().label(),
                                    modelName(spec.model()),
                                    spec.model().patch(),
                                    spec.method().label(),
                                    spec.prediction().label(),
                                    spec.loss().label(),
                                    rows));
        });
        return new ExperimentResults(id, out);
    }

    /** "jit-T", or "mlp" for the toy model */
    static String modelName(RunSpec.ModelSpec m) {
        return m.size() == null
                ? m.arch().label()
                : m.arch().label() + "-" + m.size().label();
    }
}
