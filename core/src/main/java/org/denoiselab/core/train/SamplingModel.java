package org.denoiselab.core.train;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import org.denoiselab.core.data.Datasets;
import org.denoiselab.core.experiment.RunSpec;
import org.denoiselab.core.model.Denoiser;
import org.denoiselab.core.model.Models;
import org.denoiselab.core.util.Engines;

/**
 * A checkpoint's EMA weights in a ready model, for services that only sample (no optimizer state is
 * kept in memory). Close it to free the weights.
 */
public final class SamplingModel implements AutoCloseable {
    private final NDManager manager;
    private final Denoiser model;
    private final RunSpec spec;

    private SamplingModel(NDManager manager, Denoiser model, RunSpec spec) {
        this.manager = manager;
        this.model = model;
        this.spec = spec;
    }

    public static SamplingModel fromCheckpoint(Checkpoint checkpoint, Device device) {
        Engines.pytorch();
        RunSpec spec = checkpoint.spec();
        Datasets.SampleShape shape = Datasets.shapeOf(spec.dataset());
        NDManager manager = NDManager.newBaseManager(device, "PyTorch");
        try {
            Denoiser model = Models.create(manager, spec.model(), shape.channels(), shape.height(), shape.width(),
                    shape.numClasses(), spec.train().seed());
            checkpoint.copy(Checkpoint.EMA, model.params());
            return new SamplingModel(manager, model, spec);
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    /** n samples with the run's sampling settings (seeded), C*H*W floats each in model space */
    public float[] generate(RunSpec.SamplingSpec sampling, int n) {
        return Sampling.generate(model, model.params(), spec, sampling, n);
    }

    public Denoiser model() {
        return model;
    }

    public RunSpec spec() {
        return spec;
    }

    @Override
    public void close() {
        manager.close();
    }
}
