package org.denoiselab.pipeline.jobs;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.denoiselab.pipeline.events.CheckpointEvent;
import org.denoiselab.pipeline.events.SamplesEvent;
import org.denoiselab.pipeline.store.ObjectLayout;
import org.denoiselab.pipeline.store.ObjectStore;
import org.denoiselab.science.data.DatasetKind;
import org.denoiselab.science.data.Datasets;
import org.denoiselab.science.data.ToyManifold;
import org.denoiselab.science.eval.Npy;
import org.denoiselab.science.eval.SampleImages;
import org.denoiselab.science.image.PngGrid;
import org.denoiselab.science.image.PointPanel;
import org.denoiselab.science.spec.RunSpec;
import org.denoiselab.science.train.Checkpoint;
import org.denoiselab.science.train.SamplingModel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Samples one checkpoint for the sampler service: loads the EMA weights (verifying the event's
 * checksum), generates the evaluation batch with the run's seed, stores the batch and a PNG grid of its
 * first gridSize^2 images, and returns the samples event to publish. Idempotent: when both objects are
 * already stored, the event is rebuilt from their checksums without sampling again.
 *
 * <p>Images: batch = uint8 .npy N x C x H x W. Toy runs (1 x 1 x D points): batch = float32 .npy
 * N x 1 x 1 x D, "grid" = a scatter of the points in the data plane over the true spiral.
 */
public final class SampleJob {
    private static final Logger LOG = LoggerFactory.getLogger(SampleJob.class);

    private final ObjectStore store;
    private final JobSettings settings;
    private final AtomicLong batchesGenerated = new AtomicLong();

    public SampleJob(ObjectStore store, JobSettings settings) {
        this.store = store;
        this.settings = settings;
    }

    public SamplesEvent handle(CheckpointEvent event) throws IOException {
        RunSpec spec = requireSpec(event);
        String gridKey = ObjectLayout.grid(event.runId(), event.epoch());
        String batchKey = ObjectLayout.samples(event.runId(), event.epoch());
        int n = numSamples(spec);
        List<Setting> sweep = sweepOf(spec);
        Optional<ObjectStore.Stored> grid = store.stored(gridKey);
        Optional<ObjectStore.Stored> batch = store.stored(batchKey);
        List<SamplesEvent.SweepBatch> storedSweep = storedSweep(event, sweep);
        if (grid.isPresent() && batch.isPresent() && storedSweep != null) {
            LOG.info("run {} epoch {}: samples already stored, event rebuilt", event.runId(), event.epoch());
            return SamplesEvent.of(event, grid.get(), batch.get(), n, storedSweep);
        }
        Checkpoint checkpoint = JobSupport.readCheckpoint(store, event.objectKey(), event.sha256());
        try (SamplingModel model = SamplingModel.fromCheckpoint(checkpoint, spec, settings.device())) {
            float[] samples = generate(event, model, spec.sampling(), 0, n);
            DatasetKind.SampleShape shape = Datasets.shapeOf(spec.dataset());
            byte[] gridBytes;
            if (JobSupport.isToy(spec)) {
                gridBytes = toyPanel(spec, samples, n);
            } else {
                int g = spec.sampling().gridSize();
                ByteArrayOutputStream png = new ByteArrayOutputStream();
                PngGrid.write(samples, g * g, shape.channels(), shape.height(), shape.width(), g, png);
                gridBytes = png.toByteArray();
            }
            List<SamplesEvent.SweepBatch> sweepBatches = new ArrayList<>();
            for (Setting setting : sweep) {
                String key = ObjectLayout.samples(event.runId(), event.epoch(), setting.emaDecay(), setting.cfgScale());
                ObjectStore.Stored stored = store.stored(key).orElse(null);
                if (stored == null) {
                    float[] swept =
                            generate(event, model, spec.sampling().withCfgScale(setting.cfgScale()), setting.ema(), n);
                    stored = store.put(key, batchBytes(spec, shape, swept, n));
                }
                sweepBatches.add(
                        new SamplesEvent.SweepBatch(setting.emaDecay(), setting.cfgScale(), key, stored.sha256()));
            }
            // the batches first: the grid's presence then means the primary batch is there (checked above too)
            ObjectStore.Stored storedBatch = store.put(batchKey, batchBytes(spec, shape, samples, n));
            ObjectStore.Stored storedGrid = store.put(gridKey, gridBytes);
            return SamplesEvent.of(event, storedGrid, storedBatch, n, sweepBatches);
        }
    }

    /** one setting of the evaluation sweep: an EMA (by index and decay) and a guidance scale */
    record Setting(int ema, double emaDecay, double cfgScale) {}

    /** evaluation.guidanceScales x the EMAs the run keeps; empty when the request asks for no sweep */
    static List<Setting> sweepOf(RunSpec spec) {
        List<Setting> out = new ArrayList<>();
        if (spec.eval() == null || spec.eval().guidanceScales().isEmpty() || JobSupport.isToy(spec)) {
            return out;
        }
        List<Double> decays = spec.train().emaDecays();
        for (int e = 0; e < decays.size(); e++) {
            for (double scale : spec.eval().guidanceScales()) {
                out.add(new Setting(e, decays.get(e), scale));
            }
        }
        return out;
    }

    /** the sweep's batches when every one is stored already, else null */
    private List<SamplesEvent.SweepBatch> storedSweep(CheckpointEvent event, List<Setting> sweep) {
        List<SamplesEvent.SweepBatch> out = new ArrayList<>();
        for (Setting s : sweep) {
            String key = ObjectLayout.samples(event.runId(), event.epoch(), s.emaDecay(), s.cfgScale());
            Optional<ObjectStore.Stored> stored = store.stored(key);
            if (stored.isEmpty()) {
                return null;
            }
            out.add(new SamplesEvent.SweepBatch(
                    s.emaDecay(), s.cfgScale(), key, stored.get().sha256()));
        }
        return out;
    }

    private static byte[] batchBytes(RunSpec spec, DatasetKind.SampleShape shape, float[] samples, int n)
            throws IOException {
        return JobSupport.isToy(spec)
                ? npy(Npy.float32(samples, n, 1, 1, shape.width()))
                : npy(Npy.uint8(SampleImages.toUint8(samples), n, shape.channels(), shape.height(), shape.width()));
    }

    /** batches sampled by this job so far (a redelivered event adds none) */
    public long batchesGenerated() {
        return batchesGenerated.get();
    }

    /** numEval samples, at least a full grid of images (toy runs: at least one point) */
    static int numSamples(RunSpec spec) {
        int g = spec.sampling().gridSize();
        int min = JobSupport.isToy(spec) ? 1 : g * g;
        return Math.max(spec.sampling().numEval(), min);
    }

    private float[] generate(
            CheckpointEvent event, SamplingModel model, RunSpec.SamplingSpec sampling, int ema, int n) {
        long t0 = System.nanoTime();
        float[] samples = model.generate(sampling, n, ema);
        batchesGenerated.incrementAndGet();
        LOG.info(String.format(
                Locale.ROOT,
                "run %s epoch %d: %d samples (EMA #%d, guidance %.2f) in %.1f s",
                event.runId(),
                event.epoch(),
                n,
                ema,
                sampling.cfgScale(),
                (System.nanoTime() - t0) / 1e9));
        return samples;
    }

    private static byte[] toyPanel(RunSpec spec, float[] points, int n) throws IOException {
        ToyManifold toy = (ToyManifold) Datasets.open(spec.dataset(), true);
        float[] plane = toy.toPlane(points, n);
        String title = String.format(
                Locale.ROOT, "D=%d %s-pred", toy.dim(), spec.prediction().label());
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        PointPanel.write(List.of(new PointPanel.Panel(title, plane, n)), 1, ToyManifold.spiral(2000), png);
        return png.toByteArray();
    }

    private static byte[] npy(Npy.Array array) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Npy.write(array, out);
        return out.toByteArray();
    }

    static RunSpec requireSpec(CheckpointEvent event) {
        if (event.spec() == null) {
            throw new IllegalArgumentException(
                    "checkpoint event for run " + event.runId() + " epoch " + event.epoch() + " carries no spec");
        }
        return event.spec();
    }
}
