package org.denoiselab.science.eval;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValue;
import ai.djl.pytorch.jni.JniUtils;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.denoiselab.science.tensor.Tensors;
import org.denoiselab.science.util.Engines;

/**
 * The FID standard: the TorchScript Inception-v3 {@code inception-2015-12-05.pt} used by clean-fid and
 * the StyleGAN / EDM metrics, loaded through DJL from a file the user provides. Its contract:
 * {@code forward(img, return_features, use_fp16, no_output_bias)} on uint8 N x 3 x H x W in [0, 255]
 * (it resizes to 299 itself); with return_features it gives the 2048-d pool features, otherwise the
 * 1008-way softmax, which the Inception Score takes without the output bias. Probabilities are handed
 * out as log-probabilities, so that {@link InceptionScore}'s softmax gives them back.
 */
public final class InceptionExtractor implements FeatureExtractor {
    public static final int FEATURE_DIM = 2048;
    public static final int CLASSES = 1008;
    private static final int CHUNK = 50;

    private final Path file;
    private final PtNDManager manager;
    private final PtSymbolBlock net;
    private final int featureDim;
    private final int classes;

    public InceptionExtractor(Path file) throws IOException {
        this(file, FEATURE_DIM, CLASSES);
    }

    /** for networks of the same contract but other sizes (the test fixture keeps the real ones) */
    InceptionExtractor(Path file, int featureDim, int classes) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException(file + ": Inception TorchScript file not found (expected inception-2015-12-05.pt)");
        }
        this.file = file;
        this.featureDim = featureDim;
        this.classes = classes;
        Engines.pytorch();
        this.manager = (PtNDManager) NDManager.newBaseManager(Device.cpu(), "PyTorch");
        try {
            this.net = JniUtils.loadModule(manager, file, true, new String[0], new String[0], false);
        } catch (RuntimeException e) {
            manager.close();
            throw new IOException(file + ": not a loadable TorchScript module: " + e.getMessage(), e);
        }
        JniUtils.enableInferenceMode(net);
    }

    @Override
    public String name() {
        return "inception";
    }

    @Override
    public String fdName() {
        return "fid_inception";
    }

    @Override
    public int featureDim() {
        return featureDim;
    }

    /** RGB, as pytorch-fid reads image files ({@code Image.open(f).convert("RGB")}) */
    @Override
    public int inputChannels() {
        return 3;
    }

    @Override
    public int numClasses() {
        return classes;
    }

    @Override
    public Features extract(byte[] images, int n, int channels, int height, int width, boolean withLogits) {
        if (channels == 1) {
            images = SampleImages.greyToRgb(images, n, height, width);
            channels = 3;
        } else if (channels != 3) {
            throw new IllegalArgumentException("Inception takes 1 or 3 channels, got " + channels);
        }
        if ((long) n * channels * height * width != images.length) {
            throw new IllegalArgumentException("batch holds " + images.length + " bytes, expected " + n + " x "
                    + channels + " x " + height + " x " + width);
        }
        int sample = channels * height * width;
        float[] features = new float[n * featureDim];
        float[] logits = withLogits ? new float[n * classes] : null;
        for (int from = 0; from < n; from += CHUNK) {
            int rows = Math.min(CHUNK, n - from);
            try (NDManager scope = manager.newSubManager()) {
                PtNDArray img = (PtNDArray) Tensors.ofUint8(
                        scope, images, from * sample, rows * sample, new Shape(rows, channels, height, width));
                float[] f = run(scope, img, true, false, rows, featureDim);
                System.arraycopy(f, 0, features, from * featureDim, f.length);
                if (withLogits) {
                    float[] p = run(scope, img, false, true, rows, classes);
                    for (int i = 0; i < p.length; i++) {
                        logits[from * classes + i] = (float) Math.log(Math.max(p[i], Float.MIN_NORMAL));
                    }
                }
            }
        }
        return new Features(n, features, logits);
    }

    private float[] run(
            NDManager scope, PtNDArray img, boolean returnFeatures, boolean noOutputBias, int rows, int width) {
        IValue[] args = {IValue.from(img), IValue.from(returnFeatures), IValue.from(false), IValue.from(noOutputBias)};
        try {
            IValue out = net.forward(args);
            try {
                PtNDArray t = out.toTensor((PtNDManager) scope);
                if (!t.getShape().equals(new Shape(rows, width))) {
                    throw new IllegalStateException(file + ": expected output " + new Shape(rows, width) + " for "
                            + (returnFeatures ? "features" : "probabilities") + ", got " + t.getShape());
                }
                return t.toType(DataType.FLOAT32, false).toFloatArray();
            } finally {
                out.close();
            }
        } finally {
            for (IValue a : args) {
                a.close();
            }
        }
    }

    @Override
    public void close() {
        net.close();
        manager.close();
    }
}
