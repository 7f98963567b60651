package org.denoiselab.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.denoiselab.science.data.DatasetKind;
import org.denoiselab.science.data.Datasets;
import org.denoiselab.science.eval.ClassifierExtractor;
import org.denoiselab.science.eval.Evaluator;
import org.denoiselab.science.eval.FeatureExtractor;
import org.denoiselab.science.eval.FeatureStats;
import org.denoiselab.science.eval.FeatureStats.Gaussian;
import org.denoiselab.science.eval.ImageSource;
import org.denoiselab.science.eval.InceptionExtractor;
import org.denoiselab.science.spec.Choice;
import org.denoiselab.science.spec.RunSpec;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * bin/eval: evaluation from the command line. Scores print as key=value lines named by their extractor
 * (fid_inception, fd_classifier, is_...). Errors print one line naming the file or value at fault and
 * exit with status 2.
 * <pre>
 *   eval train-classifier --dataset fmnist --out weights          (prints the test accuracy)
 *   eval stats --dataset npy --location batch.npy --extractor inception --weights pt --out ref.npz
 *   eval score --samples pngs/ --ref ref.npz --extractor inception --weights pt
 * </pre>
 */
@Command(
        name = "bin/eval",
        mixinStandardHelpOptions = true,
        description = "Feature statistics, FD and IS of sample sets; train the project's classifier extractor.",
        subcommands = {EvalCli.TrainClassifier.class, EvalCli.Stats.class, EvalCli.Score.class})
public final class EvalCli {
    private EvalCli() {}

    public static void main(String[] args) {
        try {
            System.out.println(run(args));
        } catch (ParameterException e) {
            System.err.println("error: " + e.getMessage());
            System.err.print(e.getCommandLine().getUsageMessage());
            System.exit(2);
        } catch (IllegalArgumentException | IOException e) {
            System.err.println("error: " + e.getMessage());
            System.exit(2);
        }
    }

    /**
     * Runs one command and returns what it prints (its usage for --help).
     *
     * @throws ParameterException       for options that do not parse
     * @throws IllegalArgumentException for values the command cannot use, naming them
     * @throws IOException              naming the file that could not be read or written
     */
    static String run(String[] args) throws IOException {
        CommandLine cl = new CommandLine(new EvalCli());
        ParseResult parsed = cl.parseArgs(args);
        if (parsed.isUsageHelpRequested()) {
            return cl.getUsageMessage();
        }
        if (parsed.isVersionHelpRequested()) {
            return "denoise-lab eval";
        }
        if (!parsed.hasSubcommand()) {
            throw new IllegalArgumentException("no command\n" + cl.getUsageMessage());
        }
        CommandLine sub = parsed.subcommand().commandSpec().commandLine();
        if (sub.isUsageHelpRequested()) {
            return sub.getUsageMessage();
        }
        try {
            return ((Callable<String>) sub.getCommand()).call();
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** what every dataset-reading command takes */
    static class DatasetOptions {
        @Option(
                names = "--location",
                description = "the dataset's file or folder (fmnist: Debian's package when absent)")
        String location;

        @Option(
                names = "--image-size",
                defaultValue = "0",
                description = "celeba: side after the center crop (0 = 128)")
        int imageSize;

        @Option(names = "--limit", defaultValue = "0", description = "use the first N images only (0 = all)")
        int limit;

        RunSpec.DatasetSpec spec(String kind) {
            return new RunSpec.DatasetSpec(Choice.parse(DatasetKind.class, kind), location, imageSize, 0, limit);
        }
    }

    @Command(
            name = "train-classifier",
            mixinStandardHelpOptions = true,
            showDefaultValues = true,
            description = "Train the classifier extractor on a labelled dataset; prints its test accuracy.")
    static final class TrainClassifier extends DatasetOptions implements Callable<String> {
        @Option(names = "--dataset", defaultValue = "fmnist", description = "fmnist or cifar10")
        String dataset;

        @Option(names = "--epochs", defaultValue = "1", description = "passes over the training split")
        int epochs;

        @Option(names = "--out", required = true, description = "where to write the weights")
        Path out;

        @Override
        public String call() throws IOException {
            RunSpec.DatasetSpec spec = spec(dataset);
            try (ClassifierExtractor classifier =
                    ClassifierExtractor.train(Datasets.open(spec, true), epochs, 128, 0)) {
                classifier.save(out);
                double accuracy = classifier.accuracy(Datasets.open(
                        new RunSpec.DatasetSpec(spec.kind(), spec.location(), spec.imageSize(), 0, 0), false));
                return String.format(Locale.ROOT, "wrote %s (test accuracy %.2f%%)", out, 100 * accuracy);
            }
        }
    }

    /** the extractor options of stats and score */
    static class ExtractorOptions extends DatasetOptions {
        @Option(names = "--extractor", defaultValue = "classifier", description = "classifier or inception")
        String extractor;

        @Option(
                names = "--weights",
                required = true,
                description = "classifier weights (train-classifier) or Inception TorchScript file")
        Path weights;

        FeatureExtractor open() throws IOException {
            return switch (extractor) {
                case "classifier" -> ClassifierExtractor.load(weights);
                case "inception" -> new InceptionExtractor(weights);
                default ->
                    throw new IllegalArgumentException(
                            "--extractor must be classifier or inception, got '" + extractor + "'");
            };
        }
    }

    @Command(
            name = "stats",
            mixinStandardHelpOptions = true,
            showDefaultValues = true,
            description =
                    "Feature statistics (mu, sigma as pytorch-fid's .npz) of a sample set or a dataset's test split.")
    static final class Stats extends ExtractorOptions implements Callable<String> {
        @Option(
                names = "--dataset",
                description = "png (a folder), npy (a batch), or a dataset kind: fmnist, cifar10, celeba")
        String dataset;

        @Option(names = "--samples", description = "a folder of PNGs or a .npy batch (instead of --dataset)")
        Path samples;

        @Option(names = "--out", required = true, description = "the .npz to write")
        Path out;

        @Override
        public String call() throws IOException {
            ImageSource images = images();
            try (FeatureExtractor ex = open()) {
                FeatureStats stats = Evaluator.statistics(images, ex);
                stats.toGaussian().save(out);
                return "wrote " + out + " (" + ex.name() + " features, dim " + stats.dim() + ", " + stats.count()
                        + " images)";
            }
        }

        private ImageSource images() throws IOException {
            if (dataset == null) {
                if (samples == null) {
                    throw new IllegalArgumentException("give --dataset or --samples");
                }
                return ImageSource.open(samples);
            }
            if (dataset.equals("png") || dataset.equals("npy")) {
                if (location == null) {
                    throw new IllegalArgumentException("--dataset " + dataset + " needs --location");
                }
                Path where = Path.of(location);
                ImageSource s = ImageSource.open(where);
                boolean folder = s instanceof ImageSource.PngFolder;
                if (folder != dataset.equals("png")) {
                    throw new IllegalArgumentException(where + ": --dataset " + dataset + " expects "
                            + (dataset.equals("png") ? "a folder of PNGs" : "a .npy file"));
                }
                return s;
            }
            return ImageSource.ofDataset(Datasets.open(spec(dataset), false));
        }
    }

    @Command(
            name = "score",
            mixinStandardHelpOptions = true,
            showDefaultValues = true,
            description = "FD and IS of a sample set against reference statistics.")
    static final class Score extends ExtractorOptions implements Callable<String> {
        @Option(names = "--samples", required = true, description = "a folder of PNGs or a .npy batch")
        Path samples;

        @Option(names = "--ref", required = true, description = "reference statistics (.npz with mu and sigma)")
        Path ref;

        @Override
        public String call() throws IOException {
            ImageSource images = ImageSource.open(samples);
            Gaussian reference = Gaussian.load(ref);
            try (FeatureExtractor ex = open()) {
                return Evaluator.score(images, ex, reference).format();
            }
        }
    }
}
