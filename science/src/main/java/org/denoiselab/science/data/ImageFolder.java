package org.denoiselab.science.data;

import java.io.IOException;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;
import org.denoiselab.science.image.AdmCenterCrop;
import org.denoiselab.science.image.ImageFiles;

/**
 * A researcher's own images laid out as torchvision's {@code ImageFolder}: one sub-folder per class, the
 * classes sorted by folder name (label 0 is the first), each class's PNG and JPEG files found at any depth
 * below it (in path order; other files are skipped). Every image is read by {@link ImageFiles} as RGB and
 * ADM-center-cropped to imageSize x imageSize ({@link AdmCenterCrop}), as ADM and JiT prepare ImageNet.
 *
 * <p>Splits: a location holding {@code train/} uses it for training and {@code val/} (else {@code test/}) for
 * the test split; any other location is used for both. Only file names are held in memory; images are decoded
 * when read.
 */
public final class ImageFolder implements ImageDataset {
    public static final int DEFAULT_IMAGE_SIZE = 64;

    private final Path root;
    private final List<String> classes;
    private final List<Path> files;
    private final int[] labels;
    private final int imageSize;

    private ImageFolder(Path root, List<String> classes, List<Path> files, int[] labels, int imageSize) {
        this.root = root;
        this.classes = classes;
        this.files = files;
        this.labels = labels;
        this.imageSize = imageSize;
    }

    /**
     * @param location  the folder of class folders, or one holding train/ and val/ (or test/)
     * @param train     training or test split (see above)
     * @param imageSize output side (0 = {@link #DEFAULT_IMAGE_SIZE})
     * @param limit     keep only the first N images (classes in order, files in path order); 0 = all
     * @throws NoSuchFileException when the folder is missing
     * @throws DataFormatException when it holds no class folder, or a class folder holds no PNG or JPEG file
     */
    public static ImageFolder open(Path location, boolean train, int imageSize, int limit) throws IOException {
        if (limit < 0 || imageSize < 0) {
            throw new IllegalArgumentException("limit and imageSize must be >= 0, were " + limit + ", " + imageSize);
        }
        if (!Files.isDirectory(location)) {
            throw new NoSuchFileException(location.toString(), null, "missing image folder (one sub-folder per class)");
        }
        Path root = location;
        if (Files.isDirectory(location.resolve("train"))) {
            if (train) {
                root = location.resolve("train");
            } else if (Files.isDirectory(location.resolve("val"))) {
                root = location.resolve("val");
            } else if (Files.isDirectory(location.resolve("test"))) {
                root = location.resolve("test");
            }
        }
        List<String> classes;
        try (Stream<Path> listing = Files.list(root)) {
            classes = listing.filter(Files::isDirectory)
                    .map(p -> p.getFileName().toString())
                    .sorted()
                    .toList();
        }
        if (classes.isEmpty()) {
            throw new DataFormatException(
                    root, "expected one sub-folder per class (as torchvision's ImageFolder)," + " found none");
        }
        List<Path> files = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        for (int c = 0; c < classes.size() && (limit == 0 || files.size() < limit); c++) {
            Path dir = root.resolve(classes.get(c));
            List<Path> images;
            try (Stream<Path> walk = Files.walk(dir, FileVisitOption.FOLLOW_LINKS)) {
                images = walk.filter(Files::isRegularFile)
                        .filter(ImageFiles::isImageName)
                        .sorted()
                        .toList();
            }
            if (images.isEmpty()) {
                throw new DataFormatException(
                        dir, "class folder '" + classes.get(c) + "' holds no .png, .jpg or" + " .jpeg file");
            }
            for (Path f : images) {
                if (limit > 0 && files.size() >= limit) {
                    break;
                }
                files.add(f);
                labels.add(c);
            }
        }
        return new ImageFolder(
                root,
                classes,
                List.copyOf(files),
                labels.stream().mapToInt(Integer::intValue).toArray(),
                imageSize == 0 ? DEFAULT_IMAGE_SIZE : imageSize);
    }

    /** class names in label order */
    public List<String> classes() {
        return classes;
    }

    /** the folder the split was read from */
    public Path root() {
        return root;
    }

    /** the file behind sample {@code index} */
    public Path file(int index) {
        return files.get(index);
    }

    @Override
    public String name() {
        return DatasetKind.IMAGEFOLDER.label();
    }

    @Override
    public int size() {
        return files.size();
    }

    @Override
    public int channels() {
        return 3;
    }

    @Override
    public int height() {
        return imageSize;
    }

    @Override
    public int width() {
        return imageSize;
    }

    @Override
    public int numClasses() {
        return classes.size();
    }

    /** decodes and crops one file; an unreadable file raises an UncheckedIOException naming it */
    @Override
    public void read(int index, float[] dst, int offset) {
        CelebA.readCropped(files.get(Objects.checkIndex(index, files.size())), imageSize, dst, offset);
    }

    @Override
    public int label(int index) {
        return labels[Objects.checkIndex(index, labels.length)];
    }

    @Override
    public String toString() {
        return "imagefolder " + root + " (" + classes.size() + " classes, " + files.size() + " images)";
    }
}
