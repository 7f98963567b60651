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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import org.denoiselab.pipeline.events.EvaluationEvent;
import org.denoiselab.pipeline.store.ObjectLayout;
import org.denoiselab.science.spec.RunSpec;
import org.denoiselab.service.Pipeline;

/**
 * Results of an experiment: JSON (GET /experiments/{id}/results) and a page with the FD/IS table and the
 * grids (GET /experiments/{id}); the grid images themselves come from {@link ObjectsResource}.
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
            String batchKey) {}

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
                            e.batchKey()))
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
