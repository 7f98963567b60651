package org.denoiselab.science.image;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.awt.image.BufferedImage;
import org.junit.jupiter.api.Test;

class AreaResizeTest {
    private static BufferedImage gray(int w, int h, int[] values) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
        img.getRaster().setPixels(0, 0, w, h, values);
        return img;
    }

    @Test
    void halvingAveragesEachTwoByTwoBlock() {
        int[] v = {
            0, 100, 10, 10,
            100, 200, 30, 50,
            255, 255, 0, 0,
            255, 255, 0, 4
        };
        byte[] out = AreaResize.centerSquareRgb(gray(4, 4, v), 2);
        int[] expected = {100, 25, 255, 1};
        for (int c = 0; c < 3; c++) {
            for (int i = 0; i < 4; i++) {
                assertEquals(expected[i], out[c * 4 + i] & 0xff, "gray is read raw and copied to all channels");
            }
        }
    }

    @Test
    void fractionalAreasAreWeightedAndCropIsCentred() {
        // 5 wide x 3 high: the centre crop drops columns 0 and 4; the 3x3 crop shrinks to 2x2
        int[] v = {
            9, 0, 0, 90, 9,
            9, 0, 0, 90, 9,
            9, 0, 0, 90, 9
        };
        byte[] out = AreaResize.centerSquareRgb(gray(5, 3, v), 2);
        // output column 0 covers source columns [0, 1.5) of the crop: (0 + 0.5 * 0) / 1.5 = 0
        // output column 1 covers [1.5, 3): (0.5 * 0 + 90) / 1.5 = 60
        assertEquals(0, out[0] & 0xff);
        assertEquals(60, out[1] & 0xff);
        assertEquals(60, out[3] & 0xff);
    }

    @Test
    void rgbChannelsStaySeparate() {
        BufferedImage img = new BufferedImage(2, 2, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 2; y++) {
            for (int x = 0; x < 2; x++) {
                img.setRGB(x, y, 0x102030);
            }
        }
        byte[] out = AreaResize.centerSquareRgb(img, 1);
        assertEquals(0x10, out[0]);
        assertEquals(0x20, out[1]);
        assertEquals(0x30, out[2]);
    }

    @Test
    void bgrFastPathMatchesTheGeneralPath() {
        java.util.SplittableRandom random = new java.util.SplittableRandom(4);
        BufferedImage bgr = new BufferedImage(21, 30, BufferedImage.TYPE_3BYTE_BGR);
        BufferedImage rgb = new BufferedImage(21, 30, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 30; y++) {
            for (int x = 0; x < 21; x++) {
                int c = random.nextInt(1 << 24);
                bgr.setRGB(x, y, c);
                rgb.setRGB(x, y, c);
            }
        }
        org.junit.jupiter.api.Assertions.assertArrayEquals(
                AreaResize.centerSquareRgb(rgb, 8), AreaResize.centerSquareRgb(bgr, 8));
        // a sub-image shares the parent's bytes at an offset: must crop the sub-image, not the parent
        org.junit.jupiter.api.Assertions.assertArrayEquals(
                AreaResize.centerSquareRgb(rgb.getSubimage(3, 5, 12, 12), 12),
                AreaResize.centerSquareRgb(bgr.getSubimage(3, 5, 12, 12), 12));
    }
}
