package org.denoiselab.science.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.denoiselab.science.spec.Choice;
import org.denoiselab.science.util.Engines;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JiTTest {
    @ParameterizedTest
    @CsvSource({"3,32,32,4", "3,32,32,32", "1,28,28,4", "1,28,28,28", "1,28,28,7", "3,16,32,8"})
    void outputShapeEqualsInputShapeForEveryPatch(int c, int h, int w, int patch) {
        Engines.pytorch();
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch");
                JiT model = new JiT(m, JitSize.T, c, h, w, patch, 128, 10, 1)) {
            NDArray z = m.randomNormal(new Shape(2, c, h, w));
            NDArray t = m.create(new float[] {0.2f, 0.9f});
            NDArray y = m.create(new long[] {3, 10}); // a real class and the null class
            NDArray out = model.forward(model.params(), z, t, y);
            assertEquals(z.getShape(), out.getShape());
            // zero-initialised final layer: the untrained network outputs exactly 0
            assertEquals(0f, out.abs().max().getFloat());
        }
    }

    @Test
    void patchifyGroupsPixelsByPatchAndUnpatchifyInvertsIt() {
        Engines.pytorch();
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            float[] z = new float[2 * 8 * 8];
            for (int i = 0; i < z.length; i++) {
                z[i] = i; // value = c*64 + row*8 + col
            }
            NDArray img = m.create(z, new Shape(1, 2, 8, 8));
            NDArray tokens = JiT.patchify(img, 4);
            assertEquals(new Shape(1, 4, 32), tokens.getShape());
            // token 1 is the top-right patch; its first entries are channel 0, row 0, cols 4..7
            float[] t1 = tokens.get(0, 1).toFloatArray();
            assertArrayEquals(new float[] {4, 5, 6, 7}, java.util.Arrays.copyOfRange(t1, 0, 4));
            assertEquals(64 + 4, t1[16], "second half of the token is channel 1");
            assertArrayEquals(z, JiT.unpatchify(tokens, 2, 8, 8, 4).toFloatArray());
        }
    }

    @Test
    void rejectsPatchThatDoesNotDivideTheImage() {
        Engines.pytorch();
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            IllegalArgumentException e =
                    assertThrows(IllegalArgumentException.class, () -> new JiT(m, JitSize.T, 1, 28, 28, 5, 128, 10, 1));
            assertTrue(e.getMessage().contains("patch 5"), e.getMessage());
        }
    }

    @Test
    void namedSizesMatchTheDesign() {
        assertEquals(6, JitSize.T.depth);
        assertEquals(192, JitSize.T.hidden);
        assertEquals(3, JitSize.T.heads);
        assertEquals(12, JitSize.B.depth);
        assertEquals(768, JitSize.B.hidden);
        assertEquals(12, JitSize.B.heads);
        assertEquals(JitSize.T, Choice.parse(JitSize.class, "tiny"));
        assertThrows(IllegalArgumentException.class, () -> Choice.parse(JitSize.class, "XL"));
    }

    @Test
    void parameterCountOfJitTMatchesTheReference() {
        // The PyTorch reference's JiT-T on cifar patch 4 (bottleneck 128) has 4.20M parameters.
        Engines.pytorch();
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch");
                JiT model = new JiT(m, JitSize.T, 3, 32, 32, 4, 128, 10, 1)) {
            long h = 192, pd = 48, r = 128;
            long block = 6 * h * h + 6 * h + 3 * h * h + 3 * h + h * h + h + 4 * h * h + 4 * h + 4 * h * h + h;
            long expected =
                    pd * r + r * h + h + 256 * h + h + h * h + h + 11 * h + 6 * block + 2 * h * h + 2 * h + pd * h + pd;
            assertEquals(expected, model.params().count());
        }
    }

    @Test
    void sincosPositionsHaveUnitScaleAndDistinctRows() {
        float[] table = Ops.sincos2d(4, 8);
        for (int i = 0; i < 16; i++) {
            double sq = 0;
            for (int j = 0; j < 8; j++) {
                sq += table[i * 8 + j] * table[i * 8 + j];
            }
            assertEquals(4.0, sq, 1e-5, "each of the 4 sin/cos pairs has norm 1");
        }
        // layout per token: [sin row, cos row, sin col, cos col], a quarter each
        assertEquals(Math.sin(1.0), table[8 + 4], 1e-6, "token (0,1) codes column 1");
        assertEquals(table[2], table[8 + 2], "same row, same row code");
    }

    /**
     * A forward call leaves nothing in the model's or the weights' manager, nor in the labels' manager when
     * that one lives longer than the call: everything lands in z's. The paper block's in-context tokens
     * once derived every activation after their start block from the label embedding, in the labels'
     * manager; a sampler that kept its labels for a 256-sample chunk grew the process to 24 GB.
     */
    @Test
    void aForwardPassLeavesNothingAttachedToTheModelOrTheLabels() {
        Engines.pytorch();
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch");
                JiT baseline = new JiT(m, JitSize.T, 1, 28, 28, 4, 128, 10, 1);
                JiT paper = new JiT(m, JitSize.T, JitBlock.paper(JitSize.T), 1, 28, 28, 7, 128, 10, 1);
                MlpDenoiser mlp = new MlpDenoiser(m, 8, 16, 3, 1)) {
            for (Denoiser d : new Denoiser[] {baseline, paper, mlp}) {
                int[] shape = d.sampleShape();
                int before = d.manager().getManagedArrays().size();
                int paramsBefore = d.params().manager().getManagedArrays().size();
                try (NDManager labelScope = m.newSubManager()) {
                    NDArray y = labelScope.zeros(new Shape(2), ai.djl.ndarray.types.DataType.INT64);
                    for (int i = 0; i < 3; i++) {
                        try (NDManager call = m.newSubManager()) {
                            NDArray z = call.randomNormal(new Shape(2, shape[0], shape[1], shape[2]));
                            NDArray t = call.randomUniform(0f, 1f, new Shape(2));
                            NDArray out = d.forward(d.params(), z, t, y);
                            assertEquals(z.getShape(), out.getShape());
                            assertEquals(call, out.getManager(), d.describe() + ": the result is in z's manager");
                        }
                    }
                    assertEquals(1, labelScope.getManagedArrays().size(), d.describe() + ": the labels' manager");
                }
                assertEquals(before, d.manager().getManagedArrays().size(), d.describe() + ": model manager");
                assertEquals(
                        paramsBefore, d.params().manager().getManagedArrays().size(), d.describe() + ": weights");
            }
        }
    }
}
