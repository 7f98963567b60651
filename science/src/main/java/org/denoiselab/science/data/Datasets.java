package org.denoiselab.science.data;

import java.io.IOException;
import java.nio.file.Path;
import org.denoiselab.science.spec.Choice;
import org.denoiselab.science.spec.RunSpec;

/** Opens the dataset a run asks for ({@link DatasetKind} lists the kinds and their shapes). */
public final class Datasets {
    /** point seeds of the toy splits; both share the projection seeded by ToyManifold.DEFAULT_PROJECTION_SEED */
    static final long TOY_TRAIN_SEED = 1L;

    static final long TOY_TEST_SEED = 2L;

    private Datasets() {}

    /** Shape of one sample and the number of classes, from the spec alone (no data is read). */
    public static DatasetKind.SampleShape shapeOf(RunSpec.DatasetSpec spec) {
        if (spec == null || spec.kind() == null) {
            throw new IllegalArgumentException(
                    "dataset.kind is required (one of " + Choice.labels(DatasetKind.class) + ")");
        }
        return spec.kind().shape(spec.imageSize(), spec.toyDim());
    }

    /**
     * @param spec  kind, location (null = the kind's default where it has one), imageSize, toyDim, limit
     * @param train training or test split (the toy's test split is a fresh draw on the same plane)
     */
    public static ImageDataset open(RunSpec.DatasetSpec spec, boolean train) throws IOException {
        if (spec == null || spec.kind() == null) {
            throw new IllegalArgumentException(
                    "dataset.kind is required (one of " + Choice.labels(DatasetKind.class) + ")");
        }
        if (spec.limit() < 0) {
            throw new IllegalArgumentException("dataset.limit must be >= 0 (0 = all), was " + spec.limit());
        }
        switch (spec.kind()) {
            case FMNIST -> {
                requireNativeSize(spec);
                Path dir = spec.location() == null ? FashionMnist.DEFAULT_DIR : Path.of(spec.location());
                try {
                    return FashionMnist.load(dir, train, spec.limit());
                } catch (IOException e) {
                    throw locationError(
                            spec,
                            dir + (spec.location() == null ? " (default; install Debian's dataset-fashion-mnist)" : ""),
                            e);
                }
            }
            case CIFAR10 -> {
                requireNativeSize(spec);
                Path dir = Path.of(
                        requireLocation(spec, "the folder with data_batch_1.bin..data_batch_5.bin and test_batch.bin"));
                try {
                    return Cifar10.load(dir, train, spec.limit());
                } catch (IOException e) {
                    throw locationError(spec, dir.toString(), e);
                }
            }
            case CELEBA -> {
                Path dir = Path.of(requireLocation(spec, "the folder with img_align_celeba/*.jpg"));
                try {
                    return CelebA.open(dir, spec.imageSize(), spec.limit());
                } catch (IOException e) {
                    throw locationError(spec, dir.toString(), e);
                }
            }
            case IMAGEFOLDER -> {
                Path dir = Path.of(requireLocation(
                        spec,
                        "a folder with one sub-folder of PNG or JPEG images per class (torchvision ImageFolder)"));
                try {
                    return ImageFolder.open(dir, train, spec.imageSize(), spec.limit());
                } catch (IOException e) {
                    throw locationError(spec, dir.toString(), e);
                }
            }
            case TOY -> {
                if (spec.toyDim() < 2) {
                    throw new IllegalArgumentException(
                            "dataset.toyDim must be >= 2 for dataset.kind toy, was " + spec.toyDim());
                }
                int points = spec.limit() == 0 ? ToyManifold.DEFAULT_POINTS : spec.limit();
                return new ToyManifold(
                        spec.toyDim(),
                        points,
                        ToyManifold.DEFAULT_PROJECTION_SEED,
                        train ? TOY_TRAIN_SEED : TOY_TEST_SEED);
            }
            default ->
                throw new IllegalStateException(
                        "no reader for dataset.kind " + spec.kind().label());
        }
    }

    private static void requireNativeSize(RunSpec.DatasetSpec spec) {
        int nativeSize = spec.kind().nativeSide();
        if (spec.imageSize() != 0 && spec.imageSize() != nativeSize) {
            throw new IllegalArgumentException(
                    "dataset.imageSize " + spec.imageSize() + " is not supported for dataset.kind "
                            + spec.kind().label() + " (native size " + nativeSize + "; use 0 or " + nativeSize + ")");
        }
    }

    private static String requireLocation(RunSpec.DatasetSpec spec, String what) {
        if (spec.location() == null || spec.location().isBlank()) {
            throw new IllegalArgumentException("dataset.location is required for dataset.kind "
                    + spec.kind().label() + ": " + what);
        }
        return spec.location();
    }

    private static IOException locationError(RunSpec.DatasetSpec spec, String where, IOException cause) {
        // FileSystemException messages already read "file: reason", format errors "file: problem"
        return new IOException(
                "dataset.location " + where + " for dataset.kind " + spec.kind().label() + ": " + cause.getMessage(),
                cause);
    }
}
