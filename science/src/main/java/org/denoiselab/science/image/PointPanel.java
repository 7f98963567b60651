package org.denoiselab.science.image;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;

/**
 * The toy study's figure: rows x cols scatter panels, each showing the true spiral in light grey, a
 * model's generated 2-D points in a dark colour, and a title such as "D=512 x-pred 0.031".
 * Every panel uses the same fixed square extent so that panels compare at a glance; points outside
 * it are clipped, which itself shows a collapsed model.
 */
public final class PointPanel {
    public static final int DEFAULT_PANEL_SIZE = 256;
    public static final double DEFAULT_EXTENT = 1.25;
    static final int TITLE_HEIGHT = 20;
    static final Color BACKGROUND = Color.WHITE;
    static final Color CURVE = new Color(200, 200, 200);
    static final Color POINTS = new Color(20, 40, 120);
    static final Color TEXT = Color.BLACK;

    private PointPanel() {}

    /** one panel: a title and n points given as 2n floats (x, y) */
    public record Panel(String title, float[] points2d, int n) {
        public Panel {
            if (points2d.length < 2 * n) {
                throw new IllegalArgumentException(
                        "panel '" + title + "' needs " + 2 * n + " floats, got " + points2d.length);
            }
        }
    }

    public static BufferedImage render(List<Panel> panels, int cols, float[] curve2d) {
        return render(panels, cols, curve2d, DEFAULT_PANEL_SIZE, DEFAULT_EXTENT);
    }

    /**
     * @param curve2d   the true curve as 2m floats, drawn as a polyline under each panel's points
     * @param panelSize side of each plot area in pixels (the title sits above it)
     * @param extent    each plot shows [-extent, extent]^2
     */
    public static BufferedImage render(List<Panel> panels, int cols, float[] curve2d, int panelSize, double extent) {
        if (panels.isEmpty() || cols <= 0 || panelSize <= 0 || !(extent > 0)) {
            throw new IllegalArgumentException("need at least one panel, cols > 0, panelSize > 0 and extent > 0");
        }
        int rows = (panels.size() + cols - 1) / cols;
        int cellH = panelSize + TITLE_HEIGHT;
        BufferedImage image = new BufferedImage(cols * panelSize, rows * cellH, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setColor(BACKGROUND);
            g.fillRect(0, 0, image.getWidth(), image.getHeight());
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            double scale = panelSize / (2 * extent);
            for (int k = 0; k < panels.size(); k++) {
                Panel panel = panels.get(k);
                int x0 = (k % cols) * panelSize;
                int y0 = (k / cols) * cellH;
                drawTitle(g, panel.title(), x0, y0, panelSize);
                Graphics2D plot = (Graphics2D) g.create(x0, y0 + TITLE_HEIGHT, panelSize, panelSize);
                try {
                    plot.setClip(0, 0, panelSize, panelSize);
                    plot.setColor(new Color(235, 235, 235));
                    plot.drawRect(0, 0, panelSize - 1, panelSize - 1);
                    drawCurve(plot, curve2d, scale, extent);
                    plot.setColor(POINTS);
                    float[] p = panel.points2d();
                    for (int i = 0; i < panel.n(); i++) {
                        double px = (p[2 * i] + extent) * scale;
                        double py = (extent - p[2 * i + 1]) * scale; // y up
                        if (Double.isFinite(px) && Double.isFinite(py)) {
                            plot.fillRect((int) Math.floor(px) - 1, (int) Math.floor(py) - 1, 2, 2);
                        }
                    }
                } finally {
                    plot.dispose();
                }
            }
        } finally {
            g.dispose();
        }
        return image;
    }

    private static void drawCurve(Graphics2D plot, float[] curve, double scale, double extent) {
        if (curve == null || curve.length < 4) {
            return;
        }
        Path2D.Double path = new Path2D.Double();
        path.moveTo((curve[0] + extent) * scale, (extent - curve[1]) * scale);
        for (int i = 1; i < curve.length / 2; i++) {
            path.lineTo((curve[2 * i] + extent) * scale, (extent - curve[2 * i + 1]) * scale);
        }
        plot.setColor(CURVE);
        plot.setStroke(new BasicStroke(3f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
        plot.draw(path);
    }

    private static void drawTitle(Graphics2D g, String title, int x0, int y0, int width) {
        if (title == null || title.isEmpty()) {
            return;
        }
        g.setColor(TEXT);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        int textW = g.getFontMetrics().stringWidth(title);
        g.drawString(title, x0 + Math.max(2, (width - textW) / 2), y0 + TITLE_HEIGHT - 5);
    }

    public static void write(List<Panel> panels, int cols, float[] curve2d, OutputStream out) throws IOException {
        PngGrid.writePng(render(panels, cols, curve2d), out);
    }
}
