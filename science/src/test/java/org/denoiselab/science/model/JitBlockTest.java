package org.denoiselab.science.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.denoiselab.science.tensor.Tensors;
import org.denoiselab.science.util.Engines;
import org.junit.jupiter.api.Test;

/** Each switch of the paper's JiT against its math, and the sizes against the paper's parameter counts. */
class JitBlockTest {

    private static NDManager manager() {
        Engines.pytorch();
        return NDManager.newBaseManager(Device.cpu(), "PyTorch");
    }

    @Test
    void rmsNormDividesByTheRootMeanSquareAndScales() {
        try (NDManager m = manager()) {
            NDArray x = Tensors.of(m, new float[] {3, 4, 0, 0, 1, 1, 1, 1}, new Shape(2, 4));
            NDArray w = Tensors.of(m, new float[] {1, 2, 1, 1});
            float[] y = Ops.rmsNorm(x, w, 0).toFloatArray();
            // row 0: rms = sqrt((9 + 16) / 4) = 2.5; row 1: rms 1
            float[] expected = {3 / 2.5f, 2 * 4 / 2.5f, 0, 0, 1, 2, 1, 1};
            for (int i = 0; i < y.length; i++) {
                assertEquals(expected[i], y[i], 1e-6, "element " + i);
            }
        }
    }

    @Test
    void swiGluHasTheOfficialInnerWidth() {
        try (NDManager m = manager();
                JiT jit = new JiT(
                        m,
                        JitSize.T,
                        new JitBlock(Norm.LAYERNORM, FeedForward.SWIGLU, false, false, 0, 0),
                        1,
                        8,
                        8,
                        4,
                        16,
                        2,
                        0)) {
            int inner = (int) (4 * 192 * 2 / 3.0); // int(mlp_hidden_dim * 2 / 3) of the official SwiGLUFFN
            assertEquals(512, inner);
            assertEquals(
                    new Shape(2 * inner, 192),
                    jit.params().get("blocks.0.mlp.w12.weight").getShape());
            assertEquals(
                    new Shape(192, inner),
                    jit.params().get("blocks.0.mlp.w3.weight").getShape());
        }
    }

    @Test
    void rotaryEmbeddingKeepsNormsAndMakesScoresDependOnRelativePositionOnly() {
        try (NDManager m = manager()) {
            int side = 4;
            int d = 8;
            float[][] cs = Ops.rotaryTables(side, side, d, 0, 10000);
            NDArray cos = Tensors.of(m, cs[0], new Shape(side * side, d));
            NDArray sin = Tensors.of(m, cs[1], new Shape(side * side, d));
            // the same query and key vector at every position
            NDArray q = m.randomNormal(new Shape(1, d)).broadcast(new Shape(side * side, d));
            NDArray k = m.randomNormal(new Shape(1, d)).broadcast(new Shape(side * side, d));
            NDArray rq = Ops.rotary(q, cos, sin);
            NDArray rk = Ops.rotary(k, cos, sin);
            float[] qNorm = q.square().sum(new int[] {1}).toFloatArray();
            float[] rqNorm = rq.square().sum(new int[] {1}).toFloatArray();
            for (int i = 0; i < qNorm.length; i++) {
                assertEquals(qNorm[i], rqNorm[i], 1e-4 * qNorm[i], "norm at token " + i);
            }
            float[] scores = rq.matMul(rk.transpose()).toFloatArray(); // [N, N]
            int n = side * side;
            // (r, c) -> (r + 1, c + 2) scores the same wherever it starts
            float ref = scores[(0 * side + 0) * n + (1 * side + 2)];
            assertEquals(ref, scores[(2 * side + 1) * n + (3 * side + 3)], 1e-4);
            assertEquals(ref, scores[(1 * side + 1) * n + (2 * side + 3)], 1e-4);
            // and another offset scores differently
            assertTrue(Math.abs(ref - scores[(0 * side + 0) * n + (2 * side + 1)]) > 1e-3);
            // class tokens in front are not rotated
            float[][] withPrefix = Ops.rotaryTables(side, side, d, 3, 10000);
            for (int i = 0; i < 3 * d; i++) {
                assertEquals(1f, withPrefix[0][i]);
                assertEquals(0f, withPrefix[1][i]);
            }
            assertEquals(cs[0][5 * d + 3], withPrefix[0][(3 + 5) * d + 3]);
        }
    }

    @Test
    void inContextTokensJoinAndLeaveBeforeTheOutput() {
        JitBlock withTokens = new JitBlock(Norm.RMSNORM, FeedForward.GELU, false, false, 32, 0);
        try (NDManager m = manager();
                JiT jit = new JiT(m, JitSize.T, withTokens, 1, 28, 28, 7, 128, 10, 0)) {
            assertEquals(
                    new Shape(1, 32, 192), jit.params().get("in_context_posemb").getShape());
            NDArray z = m.randomNormal(new Shape(2, 1, 28, 28));
            NDArray t = m.randomUniform(0f, 1f, new Shape(2), DataType.FLOAT32);
            NDArray y = Tensors.of(m, new long[] {3, 10});
            assertEquals(z.getShape(), jit.forward(jit.params(), z, t, y).getShape(), "16 patch tokens out, not 48");
        }
    }

    @Test
    void theJitB16ParameterCountIsThePapers() {
        // JiT-B/16 on ImageNet 256: about 131M parameters (the paper's Table 9)
        try (NDManager m = manager();
                JiT jit = new JiT(
                        m, JitSize.B, JitBlock.paper(JitSize.B), 3, 256, 256, 16, JitSize.B.bottleneck, 1000, 0)) {
            double millions = jit.params().count() / 1e6;
            assertTrue(Math.abs(millions - 131) < 0.5, "JiT-B/16: " + millions + "M parameters");
        }
        assertEquals(256, JitSize.H.bottleneck);
        assertEquals(10, JitSize.H.inContextStart);
        assertEquals(8, JitSize.L.inContextStart);
    }

    @Test
    void forwardFlopsOfTheBaselineAreTheReferenceCount() {
        Engines.pytorch();
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch");
                JiT b4 = new JiT(m, JitSize.B, 3, 32, 32, 4, 128, 10, 0);
                JiT t4 = new JiT(m, JitSize.T, 1, 28, 28, 4, 128, 10, 0)) {
            // ../shared/reference/jit_torch.py forward_flops((3, 32, 32), 4, "B")[1] and ((1, 28, 28), 4, "T")[1]
            assertEquals(11_129_585_664.0, b4.forwardFlops());
            assertEquals(277_060_096.0, t4.forwardFlops());
        }
    }
}
