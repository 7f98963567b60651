package org.denoiselab.eval;

import java.util.List;

/**
 * What the results templates show (templates/ResultsResource/*.html), built by {@link ResultsPages}. Every
 * link is relative ({@link #root} leads from the page back to the application's root), so the pages work
 * behind a path prefix (a reverse proxy's, or quarkus.http.root-path).
 */
public final class ResultsPage {
    private ResultsPage() {}

    /**
     * One experiment.
     *
     * @param root       "../" from /experiments/{id} to the application's root
     * @param heading    dataset, model, method: "fmnist · JiT-T · flow matching, v-loss"
     * @param sweep      what varies: "prediction × patch"
     * @param counts     runs by state
     * @param tables     the sweep in the paper's layout: one table per combination of the other varying fields
     * @param charts     FD, IS and training loss over epochs, one line per run
     * @param runs       every run, in sweep order
     * @param finished   every run completed or failed (the page stops refreshing once nothing changes)
     * @param version    changes whenever anything shown changes (the refresh loop compares it)
     * @param updated    latest status or event time, "2025-11-20 14:03:07 UTC"
     */
    public record Experiment(
            String experimentId,
            String root,
            String heading,
            String sweep,
            Counts counts,
            List<SweepTable> tables,
            List<Chart> charts,
            List<Run> runs,
            boolean finished,
            String version,
            String updated) {

        /** "patch" or "D": what the rows of the sweep tables are */
        public String rowAxis() {
            return tables.isEmpty() ? "" : tables.get(0).rowAxis();
        }
    }

    /** runs by state */
    public record Counts(int total, int queued, int running, int completed, int failed) {}

    /**
     * @param title   the other fields' values shared by this table's runs ("" when nothing else varies)
     * @param rowAxis "patch" (images) or "D" (the toy's ambient dimension)
     * @param columns prediction targets, in the paper's order (x, eps, v)
     */
    public record SweepTable(String title, String rowAxis, List<String> columns, List<SweepRow> rows) {}

    /**
     * @param label  "patch 4" or "D = 512"
     * @param detail "49 tokens of 16 values" (the token dimension the paper varies), or ""
     * @param cells  one per column; a cell without a run is empty
     */
    public record SweepRow(String label, String detail, List<Cell> cells) {}

    /** @param run null when the sweep has no run for this prediction and row */
    public record Cell(Run run) {}

    /**
     * One run.
     *
     * @param name         "x · patch 4" (plus the other varying fields when there are several tables)
     * @param state        queued, running, completed, failed or unknown (no status seen)
     * @param stateLabel   what the badge says
     * @param epoch        epochs completed
     * @param epochs       epochs planned
     * @param percent      0..100: steps done of all steps (epochs when steps are not known yet)
     * @param progress     "epoch 2 of 3 · step 96 of 144 · 125 img/s · about 1m05s left", or ""
     * @param reason       why it failed, else ""
     * @param loss         latest training loss
     * @param fdMetric     name of the FD, e.g. fd_classifier (null before the first evaluation)
     * @param kid          KID of the latest evaluation (null when not computed), kidStd its std over subsets
     * @param sweepBest    with an evaluation sweep (guidance scales x EMAs), its best setting:
     *                     "best: cfg 1.5, EMA 0.9996, FD 12.3 (of 8)"; else
     * @param frames       every epoch with a checkpoint, grid or evaluation, ascending
     * @param latest       the last frame with a grid (null before the first grid)
     * @param color        its colour in the charts and the legend
     * @param dash         its line style in the charts ("" solid)
     */
    public record Run(
            String runId,
            String name,
            String prediction,
            String row,
            String state,
            String stateLabel,
            int epoch,
            int epochs,
            int percent,
            String progress,
            String reason,
            Double loss,
            String fdMetric,
            Double fd,
            String isMetric,
            Double isMean,
            Double isStd,
            Double kid,
            Double kidStd,
            String sweepBest,
            List<Frame> frames,
            Frame latest,
            String color,
            String dash) {

        public boolean hasGrid() {
            return latest != null;
        }
    }

    /**
     * One epoch of a run.
     *
     * @param gridUrl relative URL of its grid, null when none is stored (yet)
     * @param caption "epoch 3 · FD 23.5 · IS 4.12"
     */
    public record Frame(int epoch, String gridUrl, Double fd, Double isMean, Double loss, String caption) {}

    /** The list of experiments, newest activity first. */
    public record Experiments(String root, List<ExperimentItem> items) {}

    /**
     * @param heading dataset · model
     * @param bestFd  the lowest latest FD over its runs, with its run's name, or ""
     */
    public record ExperimentItem(
            String experimentId, String heading, String sweep, Counts counts, String bestFd, String updated) {}
}
