package org.denoiselab.pipeline.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.Device;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import org.denoiselab.science.diffusion.LossSpace;
import org.denoiselab.science.diffusion.Prediction;
import org.denoiselab.science.spec.RunSpec;
import org.denoiselab.science.train.Checkpoint;
import org.denoiselab.science.train.TestRuns;
import org.denoiselab.science.train.Trainer;
import org.junit.jupiter.api.Test;

/** A checkpoint carries its run spec: written as JSON in the safetensors metadata, read back equal. */
class CheckpointsTest {
    @Test
    void theRunSpecTravelsInTheCheckpoint() throws IOException {
        RunSpec spec = TestRuns.jit("T", 4, Prediction.X, LossSpace.V, 1e-3, 0.1);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (Trainer t = new Trainer(spec, 1, 8, 8, 4, Device.cpu())) {
            Checkpoint.of(t, Checkpoints.metadataOf(spec)).write(out);
        }
        Checkpoint read = Checkpoint.read(new ByteArrayInputStream(out.toByteArray()));
        assertEquals(spec, Checkpoints.specOf(read));
        try (Trainer t = new Trainer(spec, 1, 8, 8, 4, Device.cpu())) {
            ByteArrayOutputStream bare = new ByteArrayOutputStream();
            Checkpoint.of(t).write(bare);
            Checkpoint none = Checkpoint.read(new ByteArrayInputStream(bare.toByteArray()));
            assertThrows(IllegalArgumentException.class, () -> Checkpoints.specOf(none));
        }
    }
}
