package org.denoiselab.science.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import org.denoiselab.science.image.AdmCenterCrop;
import org.denoiselab.science.image.ImageFiles;
import org.denoiselab.science.image.Pixels;
import org.denoiselab.science.spec.RunSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** torchvision ImageFolder's layout, read through the one image path and ADM's crop. */
class ImageFolderTest {
    @TempDir
    Path root;

    private static Path fixture(String name) throws Exception {
        return Path.of(ImageFolderTest.class.getResource("/images/" + name).toURI());
    }

    private void put(String fixture, String as) throws Exception {
        Path target = root.resolve(as);
        Files.createDirectories(target.getParent());
        Files.copy(fixture(fixture), target, StandardCopyOption.REPLACE_EXISTING);
    }

    @Test
    void classesAreSortedFolderNamesAndImagesAreFoundAtAnyDepth() throws Exception {
        put("png-palette8.png", "zebra/b.png");
        put("jpeg-rgb444.jpg", "zebra/nested/a.jpg");
        put("png-grey8.png", "ant/x.png");
        Files.writeString(root.resolve("ant/readme.txt"), "skipped");
        ImageFolder data = ImageFolder.open(root, true, 8, 0);
        assertEquals(List.of("ant", "zebra"), data.classes());
        assertEquals(2, data.numClasses());
        assertEquals(3, data.size());
        assertEquals(3, data.channels());
        assertEquals(8, data.height());
        assertEquals(0, data.label(0));
        assertEquals(root.resolve("zebra/b.png"), data.file(1));
        assertEquals(root.resolve("zebra/nested/a.jpg"), data.file(2));
        assertEquals(1, data.label(2));
        float[] x = new float[data.sampleLength()];
        data.read(0, x, 0);
        byte[] want = AdmCenterCrop.apply(ImageFiles.read(root.resolve("ant/x.png"), 3), 8)
                .data();
        for (int i = 0; i < want.length; i++) {
            assertEquals(Pixels.fromUint8(want[i]), x[i], 0f);
        }
        assertEquals(2, ImageFolder.open(root, true, 8, 2).size(), "limit");
    }

    @Test
    void trainAndValFoldersAreTheSplits() throws Exception {
        put("png-rgb8.png", "train/a/1.png");
        put("png-rgb8.png", "train/b/1.png");
        put("png-rgb8.png", "val/a/1.png");
        assertEquals(2, ImageFolder.open(root, true, 4, 0).size());
        assertEquals(root.resolve("val"), ImageFolder.open(root, false, 4, 0).root());
        ImageDataset viaSpec =
                Datasets.open(new RunSpec.DatasetSpec(DatasetKind.IMAGEFOLDER, root.toString(), 16, 0, 0), false);
        assertEquals(1, viaSpec.size());
        assertEquals(16, viaSpec.width());
        assertEquals(new DatasetKind.SampleShape(3, 64, 64, 0), DatasetKind.IMAGEFOLDER.shape(0, 0));
    }

    @Test
    void emptyLayoutsAreNamed() throws Exception {
        DataFormatException none = assertThrows(DataFormatException.class, () -> ImageFolder.open(root, true, 8, 0));
        assertTrue(none.getMessage().contains("one sub-folder per class"), none.getMessage());
        Files.createDirectories(root.resolve("cats"));
        DataFormatException empty = assertThrows(DataFormatException.class, () -> ImageFolder.open(root, true, 8, 0));
        assertTrue(empty.getMessage().contains("cats") && empty.getMessage().contains("no .png"), empty.getMessage());
        IOException missing = assertThrows(
                IOException.class,
                () -> Datasets.open(
                        new RunSpec.DatasetSpec(
                                DatasetKind.IMAGEFOLDER, root.resolve("nope").toString(), 8, 0, 0),
                        true));
        assertTrue(
                missing.getMessage().contains("dataset.location")
                        && missing.getMessage().contains("nope"),
                missing.getMessage());
    }
}
