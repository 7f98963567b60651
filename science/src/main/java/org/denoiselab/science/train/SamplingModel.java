package org.denoiselab.science.train;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import org.denoiselab.science.data.DatasetKind;
import org.denoiselab.science.data.Datasets;
import org.denoiselab.science.model.Denoiser;
import org.denoiselab.science.model.Models;
import org.denoiselab.science.spec.RunSpec;
import org.denoiselab.science.util.Engines;

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

    /**
     * @param spec the run the checkpoint belongs to (the pipeline stores it in the checkpoint's metadata)
     * @throws IllegalArgumentException when the checkpoint's EMA does not fit the spec's model
     */
    public static SamplingModel fromCheckpoint(Checkpoint checkpoint, RunSpec spec, Device device) {
        Engines.pytorch();
        DatasetKind.SampleShape shape = Datasets.shapeOf(spec.dataset());
        NDManager manager = NDManager.newBaseManager(device, "PyTorch");
        try {
            Denoiser model = Models.create(
                    manager,
                    spec.model(),
                    shape.channels(),
                    shape.height(),
                    shape.width(),
                    shape.numClasses() > 0 ? shape.numClasses() : classesOf(checkpoint),
                    spec.train().seed());
            checkpoint.copy(Checkpoint.EMA, model.params());
            return new SamplingModel(manager, model, spec);
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    /**
     * The real classes of a checkpoint's model, from its label table (classes + 1 rows, the last the null
     * class): for datasets whose class count is known only from the data (imagefolder).
     */
    static int classesOf(Checkpoint checkpoint) {
        Checkpoint.Tensor table = checkpoint.section(Checkpoint.EMA).get(org.denoiselab.science.model.JiT.LABEL_TABLE);
        if (table == null || table.shape().length != 2 || table.shape()[0] < 2) {
            throw new IllegalArgumentException(
                    "checkpoint has no label table " + org.denoiselab.science.model.JiT.LABEL_TABLE
                            + " to count the classes of dataset.kind imagefolder");
        }
        return (int) table.shape()[0] - 1;
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
