package org.denoiselab.science.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.denoiselab.science.diffusion.LossSpace;
import org.denoiselab.science.diffusion.Prediction;
import org.denoiselab.science.spec.RunSpec;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checkpoints are safetensors files that another reader opens: src/test/python/read_checkpoint.py
 * (NumPy, as safetensors.numpy does) finds every tensor under the official JiT names, in PyTorch's
 * shapes, with the same values; the former format is refused by name.
 */
class CheckpointFormatTest {
    private static final int C = 1, H = 8, W = 8;

    @TempDir
    Path dir;

    @Test
    void aWrittenCheckpointReadsBackInNumpyWithTheOfficialNamesAndShapes() throws Exception {
        Path python = Path.of("/usr/bin/python3");
        Assumptions.assumeTrue(
                Files.isExecutable(python)
                        && new ProcessBuilder(python.toString(), "-c", "import numpy")
                                        .start()
                                        .waitFor()
                                == 0,
                "needs Debian's python3-numpy (bin/test installs it)");
        RunSpec spec = TestRuns.jit("T", 4, Prediction.X, LossSpace.V, 1e-3, 0.0);
        Path file = dir.resolve("ckpt.safetensors");
        Map<String, Checkpoint.Tensor> params;
        try (Trainer t = new Trainer(spec, C, H, W, 4, Device.cpu())) {
            float[] x = new float[4 * C * H * W];
            Arrays.fill(x, 0.25f);
            t.trainStep(x, new int[] {0, 1, 2, 3}, 4);
            t.setEpoch(1);
            Checkpoint ck = Checkpoint.of(t, Map.of("run_spec", "{\"runId\": \"test-run\"}"));
            try (OutputStream o = Files.newOutputStream(file)) {
                ck.write(o);
            }
            params = ck.section(Checkpoint.PARAMS);
        }
        Path script = Path.of("src/test/python/read_checkpoint.py").toAbsolutePath();
        Process p = new ProcessBuilder(python.toString(), script.toString(), file.toString())
                .redirectErrorStream(true)
                .start();
        String printed = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, printed);
        JsonObject read = JsonParser.parseString(printed).getAsJsonObject();
        JsonObject meta = read.getAsJsonObject("metadata");
        assertEquals("denoise-lab.checkpoint", meta.get("format").getAsString());
        assertEquals("1", meta.get("step").getAsString());
        assertEquals("1", meta.get("epoch").getAsString());
        assertEquals("{\"runId\": \"test-run\"}", meta.get("run_spec").getAsString());
        JsonObject tensors = read.getAsJsonObject("tensors");
        assertEquals(4 * params.size(), tensors.size(), "weights, EMA and both Adam moments");
        // the official code's names, and its Conv2d shape for the bottleneck patch embedding
        assertEquals(
                "[16,1,4,4]",
                tensors.getAsJsonObject("x_embedder.proj1.weight").get("shape").toString());
        assertEquals(
                "[192,16,1,1]",
                tensors.getAsJsonObject("x_embedder.proj2.weight").get("shape").toString());
        assertTrue(
                tensors.has("blocks.5.attn.qkv.weight")
                        && tensors.has("ema.blocks.5.attn.qkv.weight")
                        && tensors.has("optimizer.exp_avg.final_layer.linear.weight")
                        && tensors.has("optimizer.exp_avg_sq.t_embedder.mlp.0.bias"),
                tensors.keySet().toString());
        for (Map.Entry<String, Checkpoint.Tensor> e : params.entrySet()) {
            double javaSum = 0;
            for (float v : e.getValue().values()) {
                javaSum += v;
            }
            double pySum = tensors.getAsJsonObject(e.getKey()).get("sum").getAsDouble();
            assertEquals(javaSum, pySum, 1e-9 * Math.max(1, Math.abs(javaSum)), e.getKey());
        }
    }

    @Test
    void theFormerFormatIsRefusedByName() {
        byte[] old = "DNLCKPT1\0\0\0\2{}".getBytes(StandardCharsets.US_ASCII);
        IOException e = assertThrows(IOException.class, () -> Checkpoint.read(new ByteArrayInputStream(old)));
        assertTrue(e.getMessage().contains("DNLCKPT1"), e.getMessage());
        IOException notOurs = assertThrows(
                IOException.class,
                () -> Checkpoint.read(new ByteArrayInputStream(new byte[] {2, 0, 0, 0, 0, 0, 0, 0, '{', '}'})));
        assertTrue(notOurs.getMessage().contains("not a denoise-lab checkpoint"), notOurs.getMessage());
    }
}
