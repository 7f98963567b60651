package org.denoiselab.science.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class PointPanelTest {
    @Test
    void drawsPanelsWithCurvePointsAndTitles() throws IOException {
        float[] curve = {-1f, -1f, 1f, 1f}; // the diagonal
        PointPanel.Panel a = new PointPanel.Panel("D=2 x-pred 0.001", new float[] {0.5f, -0.5f}, 1);
        PointPanel.Panel b = new PointPanel.Panel("D=512 eps-pred 0.412", new float[] {5f, 5f, Float.NaN, 0f}, 2);
        PointPanel.Panel c = new PointPanel.Panel("D=512 v-pred 0.2", new float[0], 0);
        int size = 100;
        BufferedImage img = PointPanel.render(List.of(a, b, c), 2, curve, size, 1.25);
        int cellH = size + PointPanel.TITLE_HEIGHT;
        assertEquals(2 * size, img.getWidth());
        assertEquals(2 * cellH, img.getHeight(), "3 panels in 2 columns take 2 rows");

        // point (0.5, -0.5) of panel a at pixel ((0.5 + 1.25) * 40, (1.25 + 0.5) * 40) = (70, 70) below the title
        assertEquals(PointPanel.POINTS.getRGB(), img.getRGB(70, PointPanel.TITLE_HEIGHT + 70) | 0xff000000);
        // the curve's midpoint (0, 0) at pixel (50, 50) is light grey
        assertEquals(PointPanel.CURVE.getRGB(), img.getRGB(50, PointPanel.TITLE_HEIGHT + 50) | 0xff000000);
        // a title was drawn: some dark pixels in panel a's title strip
        boolean text = false;
        for (int y = 0; y < PointPanel.TITLE_HEIGHT; y++) {
            for (int x = 0; x < size; x++) {
                text |= (img.getRGB(x, y) & 0xff) < 100;
            }
        }
        assertTrue(text, "title text rendered");
        // panel b's points are off-plot or NaN: its plot area holds no point colour
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                int rgb = img.getRGB(size + x, PointPanel.TITLE_HEIGHT + y) | 0xff000000;
                assertTrue(rgb != (PointPanel.POINTS.getRGB() | 0xff000000));
            }
        }
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        PointPanel.write(List.of(a), 1, curve, png);
        BufferedImage back = ImageIO.read(new ByteArrayInputStream(png.toByteArray()));
        assertEquals(PointPanel.DEFAULT_PANEL_SIZE, back.getWidth());
    }
}
