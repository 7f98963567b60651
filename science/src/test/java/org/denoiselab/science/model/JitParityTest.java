package org.denoiselab.science.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import org.denoiselab.science.diffusion.FlowMatching;
import org.denoiselab.science.diffusion.LossSpace;
import org.denoiselab.science.diffusion.Prediction;
import org.denoiselab.science.tensor.NoGrad;
import org.denoiselab.science.tensor.Tensors;
import org.denoiselab.science.util.Engines;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Java JiT against ../shared/reference/jit_torch.py (the benchmark's PyTorch anchor, exact GELU) on
 * the same weights: one forward pass and every parameter gradient of one x-prediction v-loss step agree
 * to 1e-5 relative (the largest difference over the largest magnitude of each tensor). Fixtures and how
 * to regenerate them: src/test/python/jit_parity.py.
 */
class JitParityTest {
    private static final double TOLERANCE = 1e-5;

    @ParameterizedTest(name = "patch {0}")
    @ValueSource(ints = {4, 28})
    void forwardAndGradientsMatchPyTorch(int patch) throws IOException {
        Engines.pytorch();
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch");
                JiT model = new JiT(m, "parity", 2, 64, 4, 0, JitBlock.BASELINE, 1, 28, 28, patch, 16, 10, 0)) {
            Map<String, NDArray> fx = load(m, "/parity/jit-p" + patch + ".npz");
            Map<String, String> names = javaNames(2);
            assertEquals(names.size(), model.params().arrays().size(), "every Java parameter has a counterpart");
            for (Map.Entry<String, String> e : names.entrySet()) {
                NDArray ref = fx.get("param." + e.getKey());
                assertNotNull(ref, "fixture lacks " + e.getKey());
                Tensors.copy(ref, model.params().get(e.getValue()));
            }
            model.params().requireGradients();
            NDArray z = fx.get("z");
            NDArray t = fx.get("t");
            NDArray out;
            NDArray loss;
            try (GradientCollector gc = Engines.pytorch().newGradientCollector()) {
                out = model.forward(model.params(), z, t, fx.get("y"));
                loss = FlowMatching.loss(Prediction.X, LossSpace.V, out, fx.get("x"), fx.get("e"), z, t);
                gc.backward(loss);
            }
            double outError = relativeError(out, fx.get("out"));
            assertTrue(outError < TOLERANCE, "forward: relative error " + outError);
            assertInferenceMatches(model, fx);
            assertEquals(
                    fx.get("loss").getFloat(),
                    loss.getFloat(),
                    TOLERANCE * fx.get("loss").getFloat());
            double worst = 0;
            for (Map.Entry<String, String> e : names.entrySet()) {
                double err =
                        relativeError(model.params().get(e.getValue()).getGradient(), fx.get("grad." + e.getKey()));
                assertTrue(
                        err < TOLERANCE,
                        "gradient of " + e.getValue() + " (" + e.getKey() + "): relative error " + err);
                worst = Math.max(worst, err);
            }
            System.out.printf("parity patch %d: forward %.2e, worst gradient %.2e%n", patch, outError, worst);
        }
    }

    /**
     * The paper's block (RMSNorm, SwiGLU, qk-norm, RoPE, 4 in-context tokens joining at block 1) against
     * src/test/python/jit_parity.py's PyTorch version of the official code, whose parameter names the Java
     * JiT shares: the weights load by name (the patch embedding's Conv2d weights by element order).
     */
    @ParameterizedTest(name = "patch {0}")
    @ValueSource(ints = {4, 16})
    void thePaperBlockMatchesPyTorch(int patch) throws IOException {
        Engines.pytorch();
        JitBlock paper = new JitBlock(Norm.RMSNORM, FeedForward.SWIGLU, true, true, 4, 0.0);
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch");
                JiT model = new JiT(m, "parity", 2, 64, 4, 1, paper, 1, 16, 16, patch, 16, 10, 0)) {
            Map<String, NDArray> fx = load(m, "/parity/jit-paper-p" + patch + ".npz");
            int loaded = 0;
            for (Map.Entry<String, NDArray> e : model.params().arrays().entrySet()) {
                NDArray ref = fx.get("param." + e.getKey());
                assertNotNull(ref, "fixture lacks " + e.getKey());
                Tensors.copy(ref.reshape(e.getValue().getShape()), e.getValue());
                loaded++;
            }
            assertEquals(
                    fx.keySet().stream().filter(k -> k.startsWith("param.")).count(),
                    loaded,
                    "every PyTorch parameter has a Java counterpart of the same name");
            model.params().requireGradients();
            NDArray z = fx.get("z");
            NDArray t = fx.get("t");
            NDArray out;
            try (GradientCollector gc = Engines.pytorch().newGradientCollector()) {
                out = model.forward(model.params(), z, t, fx.get("y"));
                gc.backward(FlowMatching.loss(Prediction.X, LossSpace.V, out, fx.get("x"), fx.get("e"), z, t));
            }
            double outError = relativeError(out, fx.get("out"));
            assertTrue(outError < TOLERANCE, "forward: relative error " + outError);
            assertInferenceMatches(model, fx);
            double worst = 0;
            for (Map.Entry<String, NDArray> e : model.params().arrays().entrySet()) {
                double err = relativeError(e.getValue().getGradient(), fx.get("grad." + e.getKey()));
                assertTrue(err < TOLERANCE, "gradient of " + e.getKey() + ": relative error " + err);
                worst = Math.max(worst, err);
            }
            System.out.printf(
                    "parity paper block, patch %d: forward %.2e, worst gradient %.2e%n", patch, outError, worst);
        }
    }

    /**
     * The forward pass a sampler runs (no gradient recorded, each block's intermediates closed as it
     * ends) gives the fixture's output too, in a call's own manager.
     */
    private static void assertInferenceMatches(JiT model, Map<String, NDArray> fx) {
        try (NoGrad ignored = NoGrad.enter();
                NDManager call = model.manager().newSubManager()) {
            NDArray z = fx.get("z").duplicate();
            z.attach(call);
            NDArray out = model.forward(model.params(), z, fx.get("t"), fx.get("y"));
            assertEquals(call, out.getManager());
            double error = relativeError(out, fx.get("out"));
            assertTrue(error < TOLERANCE, "forward without gradients: relative error " + error);
        }
    }

    /** jit_torch.py's parameter names -> the Java JiT's (the official JiT code's) */
    static Map<String, String> javaNames(int depth) {
        Map<String, String> n = new LinkedHashMap<>();
        n.put("embed.0.weight", "x_embedder.proj1.weight");
        n.put("embed.1.weight", "x_embedder.proj2.weight");
        n.put("embed.1.bias", "x_embedder.proj2.bias");
        n.put("t_mlp.0.weight", "t_embedder.mlp.0.weight");
        n.put("t_mlp.0.bias", "t_embedder.mlp.0.bias");
        n.put("t_mlp.2.weight", "t_embedder.mlp.2.weight");
        n.put("t_mlp.2.bias", "t_embedder.mlp.2.bias");
        n.put("y_emb.weight", "y_embedder.embedding_table.weight");
        for (int i = 0; i < depth; i++) {
            String r = "blocks." + i + ".";
            n.put(r + "ada.1.weight", r + "adaLN_modulation.1.weight");
            n.put(r + "ada.1.bias", r + "adaLN_modulation.1.bias");
            n.put(r + "qkv.weight", r + "attn.qkv.weight");
            n.put(r + "qkv.bias", r + "attn.qkv.bias");
            n.put(r + "proj.weight", r + "attn.proj.weight");
            n.put(r + "proj.bias", r + "attn.proj.bias");
            n.put(r + "mlp.0.weight", r + "mlp.fc1.weight");
            n.put(r + "mlp.0.bias", r + "mlp.fc1.bias");
            n.put(r + "mlp.2.weight", r + "mlp.fc2.weight");
            n.put(r + "mlp.2.bias", r + "mlp.fc2.bias");
        }
        n.put("ada.1.weight", "final_layer.adaLN_modulation.1.weight");
        n.put("ada.1.bias", "final_layer.adaLN_modulation.1.bias");
        n.put("out.weight", "final_layer.linear.weight");
        n.put("out.bias", "final_layer.linear.bias");
        return n;
    }

    /** max |a - b| / max |b| */
    static double relativeError(NDArray a, NDArray b) {
        float[] fa = a.toFloatArray();
        float[] fb = b.toFloatArray();
        assertEquals(fb.length, fa.length, "sizes");
        double diff = 0;
        double scale = 0;
        for (int i = 0; i < fa.length; i++) {
            diff = Math.max(diff, Math.abs((double) fa[i] - fb[i]));
            scale = Math.max(scale, Math.abs(fb[i]));
        }
        return diff / Math.max(scale, Double.MIN_NORMAL);
    }

    private static Map<String, NDArray> load(NDManager m, String resource) throws IOException {
        try (InputStream in = JitParityTest.class.getResourceAsStream(resource)) {
            assertNotNull(in, resource);
            Map<String, NDArray> out = new LinkedHashMap<>();
            for (NDArray a : NDList.decode(m, in)) {
                out.put(a.getName(), a);
            }
            return out;
        }
    }
}
