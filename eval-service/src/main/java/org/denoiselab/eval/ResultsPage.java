package org.denoiselab.eval;

import java.util.Locale;

/** The HTML results page: one table row per run and epoch, with the scores and the grid. */
final class ResultsPage {
    private ResultsPage() {}

    static String render(ResultsResource.ExperimentResults r) {
        StringBuilder h = new StringBuilder();
        h.append("<!doctype html><html><head><meta charset=\"utf-8\"><title>").append(esc(r.experimentId()))
                .append(" results</title><style>body{font-family:sans-serif}td,th{border:1px solid #ccc;padding:4px 8px}"
                        + "table{border-collapse:collapse}img{image-rendering:pixelated;width:160px}</style></head><body>")
                .append("<h1>Experiment ").append(esc(r.experimentId())).append("</h1>")
                .append("<table><tr><th>run</th><th>prediction</th><th>loss</th><th>patch</th><th>epoch</th><th>FD</th>"
                        + "<th>IS</th><th>samples</th><th>train loss</th><th>grid</th></tr>");
        for (ResultsResource.RunResult run : r.runs()) {
            for (ResultsResource.EpochResult e : run.epochs()) {
                h.append("<tr><td>").append(esc(run.runId())).append("</td><td>").append(esc(run.prediction()))
                        .append("</td><td>").append(esc(run.loss())).append("</td><td>").append(run.patch() == null ? "" : run.patch())
                        .append("</td><td>").append(e.epoch())
                        .append("</td><td>").append(esc(e.fdMetric())).append(" ").append(num(e.fd()))
                        .append("</td><td>").append(esc(e.isMetric())).append(" ").append(num(e.isMean()))
                        .append(e.isStd() == null ? "" : " ± " + num(e.isStd()))
                        .append("</td><td>").append(e.numSamples())
                        .append("</td><td>").append(num(e.trainLoss()))
                        .append("</td><td><a href=\"/objects/").append(esc(e.gridKey())).append("\"><img alt=\"grid\" src=\"/objects/")
                        .append(esc(e.gridKey())).append("\"></a></td></tr>");
            }
        }
        return h.append("</table></body></html>").toString();
    }

    private static String num(Double v) {
        return v == null ? "–" : String.format(Locale.ROOT, "%.4g", v);
    }

    static String esc(String s) {
        if (s == null) return "";
        StringBuilder b = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }
}
