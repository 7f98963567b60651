package org.denoiselab.science.eval;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.denoiselab.science.data.ImageDataset;
import org.denoiselab.science.image.Pixels;
import org.denoiselab.science.tensor.Tensors;
import org.denoiselab.science.util.Engines;

/**
 * The default extractor when no Inception weights are configured: a small CNN classifier trained on
 * the labelled dataset itself (conv 32, pool, conv 64, pool, dense 128, dense classes). Its 128-d
 * penultimate activations and its logits give the Fréchet distance and Inception Score "in classifier
 * space" (fd_classifier, is_classifier), comparable between runs on one dataset, never with FID.
 */
public final class ClassifierExtractor implements FeatureExtractor {
    public static final int FEATURE_DIM = 128;
    private static final int MAGIC = 0x444c4331; // "DLC1"
    private static final int CHUNK = 256;

    private final Model model;
    private final SequentialBlock body;
    private final Linear head;
    private final int channels;
    private final int height;
    private final int width;
    private final int classes;

    private ClassifierExtractor(
            Model model, SequentialBlock body, Linear head, int channels, int height, int width, int classes) {
        this.model = model;
        this.body = body;
        this.head = head;
        this.channels = channels;
        this.height = height;
        this.width = width;
        this.classes = classes;
    }

    private static SequentialBlock body() {
        return new SequentialBlock()
                .add(Conv2d.builder()
                        .setKernelShape(new Shape(3, 3))
                        .optPadding(new Shape(1, 1))
                        .setFilters(32)
                        .build())
                .add(Activation::relu)
                .add(Pool.maxPool2dBlock(new Shape(2, 2)))
                .add(Conv2d.builder()
                        .setKernelShape(new Shape(3, 3))
                        .optPadding(new Shape(1, 1))
                        .setFilters(64)
                        .build())
                .add(Activation::relu)
                .add(Pool.maxPool2dBlock(new Shape(2, 2)))
                .add(Blocks.batchFlattenBlock())
                .add(Linear.builder().setUnits(FEATURE_DIM).build())
                .add(Activation::relu);
    }

    private static ClassifierExtractor create(int channels, int height, int width, int classes) {
        Engines.pytorch();
        SequentialBlock body = body();
        Linear head = Linear.builder().setUnits(classes).build();
        Model model = Model.newInstance("classifier", Device.cpu(), "PyTorch");
        model.setBlock(new SequentialBlock().add(body).add(head));
        return new ClassifierExtractor(model, body, head, channels, height, width, classes);
    }

    /**
     * Trains on every sample of {@code data} (Adam 1e-3, cross-entropy, shuffled mini-batches). Samples are
     * quantised to 8 bits first, as the extractor will see them at evaluation.
     */
    public static ClassifierExtractor train(ImageDataset data, int epochs, int batchSize, long seed) {
        if (data.numClasses() < 2) {
            throw new IllegalArgumentException(
                    data.name() + ": a classifier needs labelled data with 2 or more classes");
        }
        ClassifierExtractor c = create(data.channels(), data.height(), data.width(), data.numClasses());
        Engines.pytorch().setRandomSeed((int) seed);
        DefaultTrainingConfig config = new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                .optOptimizer(Optimizer.adam()
                        .optLearningRateTracker(Tracker.fixed(1e-3f))
                        .build());
        int sample = data.sampleLength();
        int[] order = new int[data.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Random rnd = new Random(seed);
        try (Trainer trainer = c.model.newTrainer(config)) {
            trainer.initialize(new Shape(1, c.channels, c.height, c.width));
            float[] x = new float[batchSize * sample];
            float[] y = new float[batchSize];
            for (int epoch = 0; epoch < epochs; epoch++) {
                for (int i = order.length - 1; i > 0; i--) {
                    int j = rnd.nextInt(i + 1);
                    int t = order[i];
                    order[i] = order[j];
                    order[j] = t;
                }
                for (int from = 0; from < order.length; from += batchSize) {
                    int rows = Math.min(batchSize, order.length - from);
                    for (int r = 0; r < rows; r++) {
                        data.read(order[from + r], x, r * sample);
                        y[r] = data.label(order[from + r]);
                    }
                    for (int k = 0; k < rows * sample; k++) {
                        x[k] = Pixels.fromUint8(Pixels.toUint8(x[k]));
                    }
                    try (NDManager step = trainer.getManager().newSubManager()) {
                        NDArray input = Tensors.of(step, x, new Shape(batchSize, c.channels, c.height, c.width))
                                .get("0:" + rows);
                        NDArray labels =
                                Tensors.of(step, y, new Shape(batchSize)).get("0:" + rows);
                        try (GradientCollector gc = trainer.newGradientCollector()) {
                            NDList out = trainer.forward(new NDList(input));
                            NDArray loss = trainer.getLoss().evaluate(new NDList(labels), out);
                            gc.backward(loss);
                        }
                        trainer.step();
                    }
                }
            }
        }
        return c;
    }

    /** fraction of {@code data} whose predicted class equals the label */
    public double accuracy(ImageDataset data) {
        checkShape(data.channels(), data.height(), data.width(), data.name());
        int sample = data.sampleLength();
        int correct = 0;
        for (int from = 0; from < data.size(); from += CHUNK) {
            int rows = Math.min(CHUNK, data.size() - from);
            float[] x = new float[rows * sample];
            for (int r = 0; r < rows; r++) {
                data.read(from + r, x, r * sample);
            }
            Features f = extract(SampleImages.toUint8(x), rows, channels, height, width, true);
            for (int r = 0; r < rows; r++) {
                int best = 0;
                for (int k = 1; k < classes; k++) {
                    if (f.logits()[r * classes + k] > f.logits()[r * classes + best]) {
                        best = k;
                    }
                }
                if (best == data.label(from + r)) {
                    correct++;
                }
            }
        }
        return (double) correct / data.size();
    }

    @Override
    public String name() {
        return "classifier";
    }

    @Override
    public int featureDim() {
        return FEATURE_DIM;
    }

    /** the channel count of the dataset it was trained on */
    @Override
    public int inputChannels() {
        return channels;
    }

    @Override
    public int numClasses() {
        return classes;
    }

    @Override
    public Features extract(byte[] images, int n, int channels, int height, int width, boolean withLogits) {
        checkShape(channels, height, width, "batch");
        int sample = channels * height * width;
        if ((long) n * sample != images.length) {
            throw new IllegalArgumentException("batch holds " + images.length + " bytes, expected " + n + " x "
                    + channels + " x " + height + " x " + width);
        }
        float[] features = new float[n * FEATURE_DIM];
        float[] logits = withLogits ? new float[n * classes] : null;
        for (int from = 0; from < n; from += CHUNK) {
            int rows = Math.min(CHUNK, n - from);
            float[] x = new float[rows * sample];
            for (int k = 0; k < x.length; k++) {
                x[k] = Pixels.fromUint8(images[from * sample + k]);
            }
            try (NDManager scope = model.getNDManager().newSubManager()) {
                ParameterStore ps = new ParameterStore(scope, false);
                NDArray f = body.forward(
                                ps, new NDList(Tensors.of(scope, x, new Shape(rows, channels, height, width))), false)
                        .singletonOrThrow();
                System.arraycopy(f.toFloatArray(), 0, features, from * FEATURE_DIM, rows * FEATURE_DIM);
                if (withLogits) {
                    float[] l = head.forward(ps, new NDList(f), false)
                            .singletonOrThrow()
                            .toFloatArray();
                    System.arraycopy(l, 0, logits, from * classes, rows * classes);
                }
            }
        }
        return new Features(n, features, logits);
    }

    private void checkShape(int c, int h, int w, String what) {
        if (c != channels || h != height || w != width) {
            throw new IllegalArgumentException(what + ": images are " + c + " x " + h + " x " + w
                    + " but the classifier was trained on " + channels + " x " + height + " x " + width);
        }
    }

    /** writes the input shape, class count and weights */
    public void save(Path file) throws IOException {
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file)))) {
            out.writeInt(MAGIC);
            out.writeInt(channels);
            out.writeInt(height);
            out.writeInt(width);
            out.writeInt(classes);
            model.getBlock().saveParameters(out);
        }
    }

    public static ClassifierExtractor load(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException(file + ": classifier weights not found");
        }
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
            if (in.readInt() != MAGIC) {
                throw new IOException(file + ": not a classifier weights file (bad magic)");
            }
            int c = in.readInt();
            int h = in.readInt();
            int w = in.readInt();
            int k = in.readInt();
            if (c <= 0 || h <= 0 || w <= 0 || k < 2 || (long) c * h * w > 1 << 24) {
                throw new IOException(
                        file + ": implausible header " + c + " x " + h + " x " + w + ", " + k + " classes");
            }
            ClassifierExtractor x = create(c, h, w, k);
            try {
                x.model.getBlock().initialize(x.model.getNDManager(), DataType.FLOAT32, new Shape(1, c, h, w));
                x.model.getBlock().loadParameters(x.model.getNDManager(), in);
            } catch (MalformedModelException | IOException | RuntimeException e) {
                x.close();
                throw new IOException(file + ": unreadable classifier weights: " + e.getMessage(), e);
            }
            return x;
        } catch (java.io.EOFException e) {
            throw new IOException(file + ": truncated classifier weights file", e);
        }
    }

    @Override
    public void close() {
        model.close();
    }
}
