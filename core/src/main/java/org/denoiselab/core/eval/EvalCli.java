package org.denoiselab.core.eval;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.denoiselab.core.eval.FeatureStats.Gaussian;

/**
 * Command line for evaluation.
 * <pre>
 *   stats --dataset png|npy --location &lt;path&gt; (or --samples &lt;path&gt;) --extractor classifier|inception --weights &lt;file&gt; --out ref.npz
 *   score --samples &lt;folder of PNGs | batch.npy&gt; --ref ref.npz --extractor classifier|inception --weights &lt;file&gt;
 * </pre>
 * Scores print as key=value lines named by their extractor (fid_inception, fd_classifier, is_...).
 * Errors print one line naming the file or value at fault and exit with status 2.
 */
public final class EvalCli {
    private static final String USAGE = """
            usage:
              stats --dataset png|npy --location <path> --extractor classifier|inception --weights <file> --out <ref.npz>
              score --samples <png folder | batch.npy> --ref <ref.npz> --extractor classifier|inception --weights <file>
            (stats also takes --samples <path>; dataset kinds backed by the data readers come with them)""";

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

    private static ImageSource dataset(Map<String, String> opts) throws IOException {
        String kind = opts.get("dataset");
        Path location = path(opts, "location");
        return switch (kind) {
            case "png", "npy" -> {
                ImageSource s = ImageSource.open(location);
                boolean folder = s instanceof ImageSource.PngFolder;
                if (folder != kind.equals("png")) {
                    throw new IllegalArgumentException(location + ": --dataset " + kind + " expects "
                            + (kind.equals("png") ? "a folder of PNGs" : "a .npy file"));
                }
                yield s;
            }
            default -> throw new IllegalArgumentException("dataset kind '" + kind + "' is not available here (png, npy)");
        };
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
