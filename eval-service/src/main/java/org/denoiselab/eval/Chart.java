package org.denoiselab.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A line chart of one quantity over epochs, one line per run, laid out here as SVG coordinates for the
 * results template to draw (a polyline per run; no script, no library). The y axis is logarithmic when the
 * values are positive and span more than a factor of 30 (FD of a collapsed run next to a good one).
 *
 * @param title     e.g. "FD (fd_classifier)"
 * @param width     SVG width, px
 * @param height    SVG height, px
 * @param plot      the plotting area inside the margins
 * @param xTicks    epoch ticks
 * @param yTicks    value ticks
 * @param series    one per run with at least one value
 * @param log       whether the y axis is logarithmic
 * @param empty     true when no run has a value yet (the template says so instead of drawing)
 */
public record Chart(
        String title,
        int width,
        int height,
        Area plot,
        List<Tick> xTicks,
        List<Tick> yTicks,
        List<Series> series,
        boolean log,
        boolean empty) {

    /** the plotting area, px from the SVG's top left */
    public record Area(double left, double top, double right, double bottom) {
        public double width() {
            return right - left;
        }

        public double height() {
            return bottom - top;
        }

        /** x of the y-tick labels (right-aligned just left of the axis) */
        public double yLabelX() {
            return left - 6;
        }

        /** y where an x tick mark ends */
        public double tickEnd() {
            return bottom + 4;
        }

        /** y of the x-tick labels (below the axis) */
        public double xLabelY() {
            return bottom + 15;
        }

        /** y of the x axis title */
        public double xTitleY() {
            return bottom + 29;
        }

        /** x of the x axis title (centred) */
        public double xTitleX() {
            return (left + right) / 2;
        }
    }

    /** @param at x (for an x tick) or y (for a y tick) in px; @param label what is printed */
    public record Tick(String at, String label) {}

    /**
     * @param label  legend text, e.g. "x · patch 4"
     * @param color  CSS colour
     * @param dash   SVG stroke-dasharray ("" for solid)
     * @param points polyline points "x,y x,y ..."
     * @param dots   the same points with a hover text each
     */
    public record Series(String label, String color, String dash, String points, List<Dot> dots) {}

    /** @param title hover text, e.g. "x · patch 4, epoch 3: 23.51" */
    public record Dot(String x, String y, String title) {}

    /** one run's values: epoch -> value (absent epochs are skipped) */
    public record Line(String label, String color, String dash, java.util.NavigableMap<Integer, Double> values) {}

    static final int WIDTH = 400;
    static final int HEIGHT = 230;
    private static final Area AREA = new Area(52, 14, WIDTH - 14, HEIGHT - 34);

    /** Lays out the lines; epochs from 1 (or the smallest) to the largest seen, at least two apart. */
    static Chart of(String title, List<Line> lines) {
        List<Line> drawn = lines.stream()
                .filter(l -> l.values().values().stream().anyMatch(v -> v != null && Double.isFinite(v)))
                .toList();
        if (drawn.isEmpty()) {
            return new Chart(title, WIDTH, HEIGHT, AREA, List.of(), List.of(), List.of(), false, true);
        }
        int minEpoch = Integer.MAX_VALUE;
        int maxEpoch = Integer.MIN_VALUE;
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (Line l : drawn) {
            for (var e : l.values().entrySet()) {
                if (e.getValue() == null || !Double.isFinite(e.getValue())) continue;
                minEpoch = Math.min(minEpoch, e.getKey());
                maxEpoch = Math.max(maxEpoch, e.getKey());
                min = Math.min(min, e.getValue());
                max = Math.max(max, e.getValue());
            }
        }
        int x0 = Math.min(1, minEpoch);
        int x1 = Math.max(maxEpoch, x0 + 1);
        boolean log = min > 0 && max / min > 30;
        Scale y = log ? Scale.log(min, max) : Scale.linear(min, max);

        List<Tick> xTicks = new ArrayList<>();
        int step = niceStep(x1 - x0, 6);
        int start = Math.floorDiv(x0 + step - 1, step) * step;
        if (start - x0 >= step / 2.0) {
            xTicks.add(new Tick(px(xAt(x0, x0, x1)), Integer.toString(x0)));
        }
        for (int e = start; e <= x1; e += step) {
            xTicks.add(new Tick(px(xAt(e, x0, x1)), Integer.toString(e)));
        }
        List<Tick> yTicks = new ArrayList<>();
        for (double v : y.ticks()) {
            yTicks.add(new Tick(px(y.at(v)), label(v)));
        }
        List<Series> series = new ArrayList<>();
        for (Line l : drawn) {
            StringBuilder points = new StringBuilder();
            List<Dot> dots = new ArrayList<>();
            for (var e : l.values().entrySet()) {
                Double v = e.getValue();
                if (v == null || !Double.isFinite(v) || (log && v <= 0)) continue;
                String x = px(xAt(e.getKey(), x0, x1));
                String yy = px(y.at(v));
                if (points.length() > 0) points.append(' ');
                points.append(x).append(',').append(yy);
                dots.add(new Dot(x, yy, l.label() + ", epoch " + e.getKey() + ": " + label(v)));
            }
            series.add(new Series(l.label(), l.color(), l.dash(), points.toString(), dots));
        }
        return new Chart(title, WIDTH, HEIGHT, AREA, xTicks, yTicks, series, log, false);
    }

    private static double xAt(int epoch, int x0, int x1) {
        return AREA.left() + (epoch - x0) * AREA.width() / (x1 - x0);
    }

    /** a y scale from values to px over the plotting area, with its ticks */
    private record Scale(double lo, double hi, boolean log, List<Double> ticks) {
        static Scale linear(double min, double max) {
            if (max - min < 1e-12 * Math.max(1, Math.abs(max))) {
                double pad = Math.max(Math.abs(max) * 0.1, 1e-3);
                min -= pad;
                max += pad;
            }
            double step = niceStep(max - min, 5);
            double lo = Math.floor(min / step) * step;
            double hi = Math.ceil(max / step) * step;
            List<Double> ticks = new ArrayList<>();
            for (double v = lo; v <= hi + step * 1e-6; v += step) {
                ticks.add(Math.abs(v) < step * 1e-9 ? 0.0 : v);
            }
            return new Scale(lo, hi, false, ticks);
        }

        static Scale log(double min, double max) {
            double lo = Math.pow(10, Math.floor(Math.log10(min)));
            double hi = Math.pow(10, Math.ceil(Math.log10(max)));
            List<Double> ticks = new ArrayList<>();
            for (double v = lo; v <= hi * 1.0001; v *= 10) {
                ticks.add(v);
            }
            return new Scale(lo, hi, true, ticks);
        }

        double at(double v) {
            double f =
                    log ? (Math.log10(v) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo)) : (v - lo) / (hi - lo);
            return AREA.bottom() - f * AREA.height();
        }
    }

    /** 1, 2 or 5 times a power of ten, so that about {@code count} steps cover {@code range} */
    private static double niceStep(double range, int count) {
        double raw = range / count;
        double p = Math.pow(10, Math.floor(Math.log10(raw)));
        double f = raw / p;
        return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * p;
    }

    private static int niceStep(int range, int count) {
        return (int) Math.max(1, Math.round(niceStep((double) range, count)));
    }

    private static String px(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    /** three significant digits, no exponent for ordinary values */
    static String label(double v) {
        double a = Math.abs(v);
        if (a == 0) return "0";
        if (a >= 1e5 || a < 1e-3) return String.format(Locale.ROOT, "%.1e", v);
        String s = String.format(Locale.ROOT, a >= 100 ? "%.0f" : a >= 10 ? "%.1f" : a >= 1 ? "%.2f" : "%.3f", v);
        return s.contains(".") ? s.replaceAll("0+$", "").replaceAll("\\.$", "") : s;
    }
}
