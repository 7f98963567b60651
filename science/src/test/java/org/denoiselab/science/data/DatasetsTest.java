package org.denoiselab.science.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.denoiselab.science.spec.Choice;
import org.denoiselab.science.spec.RunSpec.DatasetSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetsTest {
    @TempDir
    Path dir;

    @Test
    void opensEachKind() throws IOException {
        Files.write(dir.resolve("test_batch.bin"), Cifar10Test.batch(0, 2));
        assertInstanceOf(
                Cifar10.class, Datasets.open(new DatasetSpec(DatasetKind.CIFAR10, dir.toString(), 0, 0, 0), false));

        Path faces = Files.createDirectories(dir.resolve("faces"));
        CelebATest.writeJpeg(CelebATest.face(0), faces.resolve("000001.jpg"));
        ImageDataset celeba = Datasets.open(new DatasetSpec(DatasetKind.CELEBA, faces.toString(), 64, 0, 0), true);
        assertEquals(64, celeba.width());

        ImageDataset toyTrain = Datasets.open(new DatasetSpec(DatasetKind.TOY, null, 0, 16, 0), true);
        ImageDataset toyTest = Datasets.open(new DatasetSpec(DatasetKind.TOY, null, 0, 16, 100), false);
        assertEquals(ToyManifold.DEFAULT_POINTS, toyTrain.size());
        assertEquals(100, toyTest.size());
        assertArrayEquals(
                ((ToyManifold) toyTrain).projection(),
                ((ToyManifold) toyTest).projection(),
                "train and test share the plane");
    }

    @Test
    void wrongKindOrLocationNamesTheField() {
        // an unknown kind is refused where it is named (the request validator reports it as dataset.kind)
        IllegalArgumentException kind =
                assertThrows(IllegalArgumentException.class, () -> Choice.parse(DatasetKind.class, "imagenet"));
        assertTrue(
                kind.getMessage().contains("imagenet") && kind.getMessage().contains("fmnist, cifar10"),
                kind.getMessage());

        IllegalArgumentException noLocation = assertThrows(
                IllegalArgumentException.class,
                () -> Datasets.open(new DatasetSpec(DatasetKind.CIFAR10, null, 0, 0, 0), true));
        assertTrue(noLocation.getMessage().contains("dataset.location"), noLocation.getMessage());

        Path missing = dir.resolve("no-such-folder");
        IOException wrongPlace = assertThrows(
                IOException.class,
                () -> Datasets.open(new DatasetSpec(DatasetKind.FMNIST, missing.toString(), 0, 0, 0), true));
        assertTrue(
                wrongPlace.getMessage().contains("dataset.location")
                        && wrongPlace.getMessage().contains("no-such-folder")
                        && wrongPlace.getMessage().contains("train-images-idx3-ubyte"),
                wrongPlace.getMessage());

        IllegalArgumentException size = assertThrows(
                IllegalArgumentException.class,
                () -> Datasets.open(new DatasetSpec(DatasetKind.CIFAR10, dir.toString(), 64, 0, 0), true));
        assertTrue(size.getMessage().contains("dataset.imageSize"), size.getMessage());

        IllegalArgumentException dim = assertThrows(
                IllegalArgumentException.class,
                () -> Datasets.open(new DatasetSpec(DatasetKind.TOY, null, 0, 1, 0), true));
        assertTrue(dim.getMessage().contains("dataset.toyDim"), dim.getMessage());
    }
}
