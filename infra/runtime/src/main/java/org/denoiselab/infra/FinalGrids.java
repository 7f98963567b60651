package org.denoiselab.infra;

import com.fasterxml.jackson.databind.JsonNode;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import javax.imageio.ImageIO;

/**
 * The study's picture: every run's last grid side by side, one row per patch size (small to large), one
 * column per prediction target in the paper's order x, v, eps, each labelled with its FD.
 */
final class FinalGrids {
    private static final List<String> ORDER = List.of("x", "v", "eps");
    private static final int LABEL = 22;
    private static final int GAP = 8;

    private FinalGrids() {}

    /**
     * @param results   GET /experiments/{id}/results
     * @param gridsRoot where the grids were exported (object keys below it)
     * @return the written PNG, or null when no run has a grid
     */
    static Path compose(JsonNode results, List<String> runIds, Path gridsRoot, Path out) throws IOException {
        if (results == null) {
            return null;
        }
        Map<String, BufferedImage> cells = new LinkedHashMap<>();
        Map<String, String> captions = new LinkedHashMap<>();
        TreeSet<Integer> patches = new TreeSet<>();
        List<String> predictions = new ArrayList<>();
        for (JsonNode run : results.path("runs")) {
            if (!runIds.contains(run.path("runId").asText())) {
                continue;
            }
            JsonNode last = null;
            for (JsonNode ev : run.path("epochs")) {
                if (last == null
                        || ev.path("epoch").asInt() > last.path("epoch").asInt()) {
                    last = ev;
                }
            }
            Path png =
                    last == null ? null : gridsRoot.resolve(last.path("gridKey").asText());
            if (png == null || !Files.isRegularFile(png)) {
                continue;
            }
            int patch = run.path("patch").asInt();
            String pred = run.path("prediction").asText();
            patches.add(patch);
            if (!predictions.contains(pred)) {
                predictions.add(pred);
            }
            cells.put(patch + "/" + pred, ImageIO.read(png.toFile()));
            captions.put(
                    patch + "/" + pred,
                    String.format(
                            java.util.Locale.ROOT,
                            "p%d %s-pred  %s %.1f",
                            patch,
                            pred,
                            last.path("fdMetric").asText("fd"),
                            last.path("fd").asDouble(Double.NaN)));
        }
        if (cells.isEmpty()) {
            return null;
        }
        predictions.sort((a, b) -> Integer.compare(rank(a), rank(b)));
        BufferedImage any = cells.values().iterator().next();
        int w = any.getWidth();
        int h = any.getHeight();
        int cols = predictions.size();
        int rows = patches.size();
        BufferedImage canvas =
                new BufferedImage(GAP + cols * (w + GAP), GAP + rows * (h + LABEL + GAP), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = canvas.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, canvas.getWidth(), canvas.getHeight());
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        int r = 0;
        for (int patch : patches) {
            for (int c = 0; c < cols; c++) {
                String key = patch + "/" + predictions.get(c);
                int x = GAP + c * (w + GAP);
                int y = GAP + r * (h + LABEL + GAP);
                g.setColor(Color.BLACK);
                g.drawString(captions.getOrDefault(key, "p" + patch + " " + predictions.get(c) + ": none"), x, y + 15);
                BufferedImage img = cells.get(key);
                if (img != null) {
                    g.drawImage(img, x, y + LABEL, w, h, null);
                }
            }
            r++;
        }
        g.dispose();
        Files.createDirectories(out.getParent());
        ImageIO.write(canvas, "png", out.toFile());
        return out;
    }

    private static int rank(String prediction) {
        int i = ORDER.indexOf(prediction);
        return i < 0 ? ORDER.size() : i;
    }
}
