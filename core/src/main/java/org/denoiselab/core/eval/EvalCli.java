package org.denoiselab.core.eval;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.denoiselab.core.data.Datasets;
import org.denoiselab.core.experiment.RunSpec;
import org.denoiselab.core.eval.FeatureStats.Gaussian;

/**
 * Command line for evaluation.
 * <pre>
 *   train-classifier --dataset fmnist [--limit N] [--epochs E] --out weights   (prints the test accuracy)
 *   stats --dataset png|npy|fmnist|cifar10|celeba [--location &lt;path&gt;] --extractor classifier|inception --weights &lt;file&gt; --out ref.npz
 *   score --samples &lt;folder of PNGs | batch.npy&gt; --ref ref.npz --extractor classifier|inception --weights &lt;file&gt;
 * </pre>
 * Scores print as key=value lines named by their extractor (fid_inception, fd_classifier, is_...).
 * Errors print one line naming the file or value at fault and exit with status 2.
 */
public final class EvalCli {
    private static final String USAGE = """
            usage:
              train-classifier --dataset fmnist|cifar10 [--location <path>] [--limit N] [--epochs E] --out <weights>
              stats --dataset png|npy|fmnist|cifar10|celeba [--location <path>] --extractor classifier|inception --weights <file> --out <ref.npz>
              score --samples <png folder | batch.npy> --ref <ref.npz> --extractor classifier|inception --weights <file>
            (stats also takes --samples <path>; dataset kinds read their test split)""";

    private EvalCli() {}

    public static void main(String[] args) {
        try {
            System.out.println(run(args));
        } catch (IllegalArgumentException | IOException e) {
            System.err.println("error: " + e.getMessage());
            System.exit(2);
        }
    }

    /** runs one command and returns what it prints */
    static String run(String[] args) throws IOException {
        if (args.length == 0) {
            throw new IllegalArgumentException("no command\n" + USAGE);
        }
        Map<String, String> opts = options(args);
        String command = args[0];
        switch (command) {
            case "stats" -> {
                ImageSource images = opts.containsKey("dataset") ? dataset(opts) : ImageSource.open(path(opts, "samples"));
                Path out = path(opts, "out");
                try (FeatureExtractor extractor = extractor(opts)) {
                    FeatureStats stats = Evaluator.statistics(images, extractor);
                    stats.toGaussian().save(out);
                    return "wrote " + out + " (" + extractor.name() + " features, dim " + stats.dim() + ", "
                            + stats.count() + " images)";
                }
            }
            case "train-classifier" -> {
                RunSpec.DatasetSpec spec = datasetSpec(opts);
                Path out = path(opts, "out");
                try (ClassifierExtractor classifier = ClassifierExtractor.train(Datasets.open(spec, true),
                        integer(opts, "epochs", 1), 128, 0)) {
                    classifier.save(out);
                    double accuracy = classifier.accuracy(Datasets.open(
                            new RunSpec.DatasetSpec(spec.kind(), spec.location(), spec.imageSize(), 0, 0), false));
                    return String.format(java.util.Locale.ROOT, "wrote %s (test accuracy %.2f%%)", out, 100 * accuracy);
                }
            }
            case "score" -> {
                ImageSource images = ImageSource.open(path(opts, "samples"));
                Gaussian ref = Gaussian.load(path(opts, "ref"));
                try (FeatureExtractor extractor = extractor(opts)) {
                    return Evaluator.score(images, extractor, ref).format();
                }
            }
            default -> throw new IllegalArgumentException("unknown command '" + command + "'\n" + USAGE);
        }
    }

    /** --dataset png|npy (a file of samples) or a dataset kind read by core's readers (test split) */
    private static ImageSource dataset(Map<String, String> opts) throws IOException {
        String kind = opts.get("dataset");
        return switch (kind) {
            case "png", "npy" -> {
                Path location = path(opts, "location");
                ImageSource s = ImageSource.open(location);
                boolean folder = s instanceof ImageSource.PngFolder;
                if (folder != kind.equals("png")) {
                    throw new IllegalArgumentException(location + ": --dataset " + kind + " expects "
                            + (kind.equals("png") ? "a folder of PNGs" : "a .npy file"));
                }
                yield s;
            }
            default -> ImageSource.ofDataset(Datasets.open(datasetSpec(opts), false));
        };
    }

    /** fmnist (default location: Debian's package), cifar10 or celeba, with --location, --image-size, --limit */
    private static RunSpec.DatasetSpec datasetSpec(Map<String, String> opts) {
        return new RunSpec.DatasetSpec(opts.get("dataset"), opts.get("location"),
                integer(opts, "image-size", 0), 0, integer(opts, "limit", 0));
    }

    private static int integer(Map<String, String> opts, String key, int def) {
        String v = opts.get(key);
        try {
            return v == null ? def : Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + key + ": expected an integer, got '" + v + "'");
        }
    }

    private static FeatureExtractor extractor(Map<String, String> opts) throws IOException {
        String kind = opts.getOrDefault("extractor", "classifier");
        Path weights = path(opts, "weights");
        return switch (kind) {
            case "classifier" -> ClassifierExtractor.load(weights);
            case "inception" -> new InceptionExtractor(weights);
            default -> throw new IllegalArgumentException("--extractor must be classifier or inception, got '" + kind + "'");
        };
    }

    private static Path path(Map<String, String> opts, String key) {
        String v = opts.get(key);
        if (v == null) {
            throw new IllegalArgumentException("missing --" + key + "\n" + USAGE);
        }
        return Path.of(v);
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> opts = new HashMap<>();
        for (int i = 1; i < args.length; i += 2) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("expected --name value pairs, got '" + args[i] + "'\n" + USAGE);
            }
            opts.put(args[i].substring(2), args[i + 1]);
        }
        return opts;
    }
}
