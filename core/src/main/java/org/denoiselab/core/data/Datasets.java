package org.denoiselab.core.data;

import java.io.IOException;
import java.nio.file.Path;
import org.denoiselab.core.experiment.RunSpec;

/** Opens the dataset a run asks for; the one place where dataset kinds and their defaults live. */
public final class Datasets {
    public static final String FMNIST = "fmnist";
    public static final String CIFAR10 = "cifar10";
    public static final String CELEBA = "celeba";
    public static final String TOY = "toy";

    /** point seeds of the toy splits; both share the projection seeded by ToyManifold.DEFAULT_PROJECTION_SEED */
    static final long TOY_TRAIN_SEED = 1L;
    static final long TOY_TEST_SEED = 2L;

    private Datasets() {}

    /** Shape of one sample and the number of classes, known from the spec alone (no data is read). */
    public record SampleShape(int channels, int height, int width, int numClasses) {}

    public static SampleShape shapeOf(RunSpec.DatasetSpec spec) {
        String kind = spec == null ? null : spec.kind();
        if (kind == null) {
            throw new IllegalArgumentException("dataset.kind is required (one of fmnist, cifar10, celeba, toy)");
        }
        return switch (kind) {
            case FMNIST -> new SampleShape(1, 28, 28, 10);
            case CIFAR10 -> new SampleShape(3, 32, 32, 10);
            case CELEBA -> {
                int side = spec.imageSize() == 0 ? 128 : spec.imageSize();
                yield new SampleShape(3, side, side, 1);
            }
            case TOY -> new SampleShape(1, 1, spec.toyDim(), 1);
            default -> throw new IllegalArgumentException(
                    "dataset.kind must be one of fmnist, cifar10, celeba, toy; was '" + kind + "'");
        };
    }

    /**
     * @param spec  kind, location (null = the kind's default where it has one), imageSize, toyDim, limit
     * @param train training or test split (the toy's test split is a fresh draw on the same plane)
     */
    public static ImageDataset open(RunSpec.DatasetSpec spec, boolean train) throws IOException {
        if (spec == null || spec.kind() == null) {
            throw new IllegalArgumentException("dataset.kind is required (one of fmnist, cifar10, celeba, toy)");
        }
        if (spec.limit() < 0) {
            throw new IllegalArgumentException("dataset.limit must be >= 0 (0 = all), was " + spec.limit());
        }
        String kind = spec.kind();
        switch (kind) {
            case FMNIST -> {
                requireNativeSize(spec, 28);
                Path dir = spec.location() == null ? FashionMnist.DEFAULT_DIR : Path.of(spec.location());
                try {
                    return FashionMnist.load(dir, train, spec.limit());
                } catch (IOException e) {
                    throw locationError(spec, dir + (spec.location() == null
                            ? " (default; install Debian's dataset-fashion-mnist)" : ""), e);
                }
            }
            case CIFAR10 -> {
                requireNativeSize(spec, 32);
                Path dir = Path.of(requireLocation(spec, "the folder with data_batch_1.bin..data_batch_5.bin and test_batch.bin"));
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
            case TOY -> {
                if (spec.toyDim() < 2) {
                    throw new IllegalArgumentException("dataset.toyDim must be >= 2 for dataset.kind toy, was " + spec.toyDim());
                }
                int points = spec.limit() == 0 ? ToyManifold.DEFAULT_POINTS : spec.limit();
                return new ToyManifold(spec.toyDim(), points, ToyManifold.DEFAULT_PROJECTION_SEED,
                        train ? TOY_TRAIN_SEED : TOY_TEST_SEED);
            }
            default -> throw new IllegalArgumentException(
                    "dataset.kind must be one of fmnist, cifar10, celeba, toy; was '" + kind + "'");
        }
    }

    private static void requireNativeSize(RunSpec.DatasetSpec spec, int nativeSize) {
        if (spec.imageSize() != 0 && spec.imageSize() != nativeSize) {
            throw new IllegalArgumentException("dataset.imageSize " + spec.imageSize() + " is not supported for dataset.kind "
                    + spec.kind() + " (native size " + nativeSize + "; use 0 or " + nativeSize + ")");
        }
    }

    private static String requireLocation(RunSpec.DatasetSpec spec, String what) {
        if (spec.location() == null || spec.location().isBlank()) {
            throw new IllegalArgumentException("dataset.location is required for dataset.kind " + spec.kind() + ": " + what);
        }
        return spec.location();
    }

    private static IOException locationError(RunSpec.DatasetSpec spec, String where, IOException cause) {
        // FileSystemException messages already read "file: reason", format errors "file: problem"
        return new IOException("dataset.location " + where + " for dataset.kind " + spec.kind() + ": "
                + cause.getMessage(), cause);
    }
}
