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
 * Warnings (e.g. fewer samples than feature dimensions) go to standard error and do not change the exit
 * status.
 * <pre>
 *   eval train-classifier --dataset fmnist --out weights          (prints the test accuracy)
 *   eval stats --dataset npy --location batch.npy --extractor inception --weights pt --out ref.npz
 *   eval score --samples pngs/ --ref ref.npz --extractor inception --weights pt
 *   eval fd A.npz B.npz                                           (pytorch-fid's two-statistics mode)
 * </pre>
 */
@Command(
        name = "bin/eval",
        mixinStandardHelpOptions = true,
        description = "Feature statistics, FD and IS of sample sets; train the project's classifier extractor.",
        subcommands = {EvalCli.TrainClassifier.class, EvalCli.Stats.class, EvalCli.Score.class, EvalCli.Fd.class})
public final class EvalCli {
    private EvalCli() {}

    public static void main(String[] args) {
        System.exit(execute(args, System.out, System.err));
    }

    /**
     * Runs one command: its result on {@code out}, warnings on {@code err}; any error is one line on {@code err}
     * ("error: ...", naming the file or value at fault) and exit status 2, never a stack trace.
     *
     * @return the exit status: 0 done, 2 refused
     */
    static int execute(String[] args, java.io.PrintStream out, java.io.PrintStream err) {
        java.io.PrintStream before = warnings;
        warnings = err;
        try {
            out.println(run(args));
            return 0;
        } catch (ParameterException e) {
            err.println("error: " + oneLine(e.getMessage()));
            err.print(e.getCommandLine().getUsageMessage());
            return 2;
        } catch (Exception | OutOfMemoryError | StackOverflowError e) {
            err.println("error: " + oneLine(describe(e)));
            return 2;
        } finally {
            warnings = before;
        }
    }

    /** where commands print warnings (standard error unless {@link #execute} says otherwise) */
    private static java.io.PrintStream warnings = System.err;

    private static void warn(java.util.List<String> lines) {
        lines.forEach(warnings::println);
    }

    private static String describe(Throwable e) {
        if (e instanceof OutOfMemoryError) {
            return "out of memory (" + e.getMessage() + "); give the JVM more with JAVA_TOOL_OPTIONS=-Xmx...";
        }
        String m = e.getMessage();
        if (m == null || m.isBlank()) {
            return e.getClass().getSimpleName() + (e.getCause() != null ? ": " + describe(e.getCause()) : "");
        }
        return e instanceof IllegalArgumentException
                        || e instanceof IOException
                        || e instanceof java.io.UncheckedIOException
                        || e instanceof IllegalStateException
                ? m
                : e.getClass().getSimpleName() + ": " + m;
    }

    private static String oneLine(String s) {
        String line = s == null ? "" : s.strip();
        int nl = line.indexOf('\n');
        return nl < 0 ? line : line.substring(0, nl).strip();
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
                description =
                        "png (a folder of PNG/JPEG files), npy (a batch), or a dataset kind: fmnist, cifar10, celeba,"
                                + " imagefolder")
        String dataset;

        @Option(names = "--samples", description = "a folder of PNGs or a .npy batch (instead of --dataset)")
        Path samples;

        @Option(names = "--out", required = true, description = "the .npz to write")
        Path out;

        @Override
        public String call() throws IOException {
            try (FeatureExtractor ex = open()) {
                ImageSource images = images(ex.inputChannels());
                FeatureStats stats = Evaluator.statistics(images, ex);
                warn(Evaluator.sizeWarnings(stats.count(), stats.dim()));
                stats.toGaussian().save(out);
                return "wrote " + out + " (" + ex.name() + " features, dim " + stats.dim() + ", " + stats.count()
                        + " images)";
            }
        }

        private ImageSource images(int channels) throws IOException {
            if (dataset == null) {
                if (samples == null) {
                    throw new IllegalArgumentException("give --dataset or --samples");
                }
                return ImageSource.open(samples, channels);
            }
            if (dataset.equals("png") || dataset.equals("npy")) {
                if (location == null) {
                    throw new IllegalArgumentException("--dataset " + dataset + " needs --location");
                }
                Path where = Path.of(location);
                ImageSource s = ImageSource.open(where, channels);
                boolean folder = s instanceof ImageSource.Folder;
                if (folder != dataset.equals("png")) {
                    throw new IllegalArgumentException(where + ": --dataset " + dataset + " expects "
                            + (dataset.equals("png") ? "a folder of PNG or JPEG files" : "a .npy file"));
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
            Gaussian reference = Gaussian.load(ref);
            try (FeatureExtractor ex = open()) {
                ImageSource images = ImageSource.open(samples, ex.inputChannels());
                Evaluator.Scores scores = Evaluator.score(images, ex, reference);
                warn(scores.warnings());
                return scores.format();
            }
        }
    }

    @Command(
            name = "fd",
            mixinStandardHelpOptions = true,
            description = "Fréchet distance between two statistics files (.npz with mu and sigma, as pytorch-fid"
                    + " and clean-fid write them); prints fd and its two terms with 9 decimals.")
    static final class Fd implements Callable<String> {
        @picocli.CommandLine.Parameters(index = "0", paramLabel = "A.npz", description = "first statistics")
        Path first;

        @picocli.CommandLine.Parameters(index = "1", paramLabel = "B.npz", description = "second statistics")
        Path second;

        @Override
        public String call() throws IOException {
            Gaussian a = Gaussian.load(first);
            Gaussian b = Gaussian.load(second);
            if (a.dim() != b.dim()) {
                throw new IllegalArgumentException(first + " has dimension " + a.dim() + " but " + second + " has "
                        + b.dim() + " (statistics of different extractors?)");
            }
            org.denoiselab.science.eval.FrechetDistance.Result fd =
                    org.denoiselab.science.eval.FrechetDistance.compute(a, b);
            return String.format(
                    Locale.ROOT,
                    "dim=%d%nfd=%.9f%nmean_term=%.9f%ntrace_term=%.9f",
                    a.dim(),
                    fd.value(),
                    fd.meanTerm(),
                    fd.traceTerm());
        }
    }
}
