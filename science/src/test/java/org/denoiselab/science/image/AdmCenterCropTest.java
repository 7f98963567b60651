package org.denoiselab.science.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import org.denoiselab.science.eval.Npy;
import org.denoiselab.science.eval.Npz;
import org.junit.jupiter.api.Test;

/**
 * ADM's center_crop_arr against Pillow on the same picture (src/test/python/make_image_fixtures.py): 64 (one
 * box halving, then bicubic), 32 (two halvings) and 150 (bicubic only), byte for byte.
 */
class AdmCenterCropTest {
    @Test
    void equalsPillowsCenterCropArrByteForByte() throws Exception {
        ImageFiles.UInt8Image source = ImageFiles.read(ImageFilesTest.fixtures().resolve("adm-source.png"), 3);
        assertEquals(301, source.width());
        assertEquals(203, source.height());
        Map<String, Npy.Array> want = Npz.read(ImageFilesTest.fixtures().resolve("adm.npz"));
        for (int size : new int[] {64, 32, 150}) {
            ImageFiles.UInt8Image crop = AdmCenterCrop.apply(source, size);
            assertEquals(size, crop.width());
            assertEquals(size, crop.height());
            assertArrayEquals(ImageFilesTest.chw(want.get("crop" + size)), crop.data(), "crop " + size);
        }
    }

    @Test
    void aSquareAtItsOwnSizeIsUnchanged() {
        byte[] data = new byte[2 * 5 * 5];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i * 5);
        }
        ImageFiles.UInt8Image img = new ImageFiles.UInt8Image(2, 5, 5, data);
        assertArrayEquals(data, AdmCenterCrop.apply(img, 5).data());
        assertThrows(IllegalArgumentException.class, () -> AdmCenterCrop.apply(img, 0));
    }
}
