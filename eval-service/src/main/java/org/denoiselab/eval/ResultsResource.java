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
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.UriInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import org.denoiselab.pipeline.events.EvaluationEvent;
import org.denoiselab.pipeline.store.ObjectLayout;
import org.denoiselab.science.spec.RunSpec;

/**
 * Results for researchers: the list of experiments (GET / and GET /experiments), a page per experiment
 * (GET /experiments/{id}: the sweep as the paper lays it out with each cell's grids by epoch, FD/IS and loss
 * curves, run status, refreshed while runs progress) and its scores as JSON (GET
 * /experiments/{id}/results). The grid images come from {@link ObjectsResource}. Pages use relative links
 * only, so they work behind a path prefix.
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

    @GET
    @Path("experiments/{id}/results")
    @Produces(MediaType.APPLICATION_JSON)
    public ExperimentResults results(@PathParam("id") String id) {
        return collect(id);
    }

    /** templates/ResultsResource/*.html, laid out by templates/layout.html (Qute escapes every value) */
    @CheckedTemplate
    static class Templates {
        static native TemplateInstance results(ResultsPage.Experiment page);

        static native TemplateInstance experiments(ResultsPage.Experiments list);
    }

    @Inject
    ResultsPages pages;

    /** numbers as the pages print them (three significant digits, as the charts' labels), a dash when absent */
    @TemplateExtension(namespace = "fmt")
    static String score(Double v) {
        return v == null ? "–" : Chart.label(v);
    }

    /** the list of experiments, most recently active first */
    @GET
    @Produces(MediaType.TEXT_HTML)
    public TemplateInstance home(@Context UriInfo uri) {
        return Templates.experiments(pages.experiments(root(uri)));
    }

    @GET
    @Path("experiments")
    @Produces(MediaType.TEXT_HTML)
    public TemplateInstance experiments(@Context UriInfo uri) {
        return Templates.experiments(pages.experiments(root(uri)));
    }

    /** one experiment's page; 404 when no run of it is known */
    @GET
    @Path("experiments/{id}")
    @Produces(MediaType.TEXT_HTML)
    public TemplateInstance page(@PathParam("id") String id, @Context UriInfo uri) {
        return Templates.results(pages.experiment(id, root(uri))
                .orElseThrow(() -> new NotFoundException("no experiment '" + id + "' (yet)")));
    }

    /**
     * The way from the page back to the application's root as a relative path: "" for /experiments, "../" for
     * /experiments/{id}. The path is the one inside the application (after quarkus.http.root-path), so links
     * hold behind a proxy that strips a prefix and behind one that keeps it.
     */
    static String root(UriInfo uri) {
        String path = uri.getPath();
        String inside = path.startsWith("/") ? path.substring(1) : path;
        int depth = (int) inside.chars().filter(c -> c == '/').count();
        return "../".repeat(depth);
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
