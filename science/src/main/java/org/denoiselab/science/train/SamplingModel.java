package org.denoiselab.science.train;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;
import org.denoiselab.science.data.DatasetKind;
import org.denoiselab.science.data.Datasets;
import org.denoiselab.science.model.Denoiser;
import org.denoiselab.science.model.Models;
import org.denoiselab.science.model.ParamSet;
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
    /** the EMA weights in the order of train.emaDecays(): the first is the model's own params */
    private final List<ParamSet> emas;

    private SamplingModel(NDManager manager, Denoiser model, RunSpec spec, List<ParamSet> emas) {
        this.emas = List.copyOf(emas);
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
            model.setPrecision(spec.train().precision());
            checkpoint.copy(Checkpoint.EMA, model.params());
            List<ParamSet> emas = new ArrayList<>(List.of(model.params()));
            if (checkpoint.section(Checkpoint.EMA_2) != null) {
                ParamSet second = model.params().copy(manager);
                checkpoint.copy(Checkpoint.EMA_2, second);
                emas.add(second);
            }
            return new SamplingModel(manager, model, spec, emas);
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
        return generate(sampling, n, 0);
    }

    /**
     * n samples from the EMA of index {@code ema} (0 = train.emaDecay, 1 = train.emaDecay2).
     *
     * @throws IllegalArgumentException when the checkpoint keeps no such EMA
     */
    public float[] generate(RunSpec.SamplingSpec sampling, int n, int ema) {
        if (ema < 0 || ema >= emas.size()) {
            throw new IllegalArgumentException("the checkpoint keeps " + emas.size() + " EMA(s), not #" + ema);
        }
        return Sampling.generate(model, emas.get(ema), spec, sampling, n);
    }

    /** how many EMAs the checkpoint keeps */
    public int emaCount() {
        return emas.size();
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
