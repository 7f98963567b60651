package org.denoiselab.science.spec;

import org.denoiselab.science.data.DatasetKind;
import org.denoiselab.science.diffusion.LossSpace;
import org.denoiselab.science.diffusion.Method;
import org.denoiselab.science.diffusion.Prediction;
import org.denoiselab.science.diffusion.Solver;
import org.denoiselab.science.diffusion.TimeSampling;
import org.denoiselab.science.eval.Extractor;
import org.denoiselab.science.model.Arch;
import org.denoiselab.science.model.JitBlock;
import org.denoiselab.science.model.JitSize;
import org.denoiselab.science.model.Precision;

/**
 * One fully resolved training run: everything the trainer, sampler and evaluator need, with no
 * lists left (a sweep in an experiment request expands into one RunSpec per combination, see the
 * experiment module). Every choice is a science enum ({@link Choice}); the experiment module's JSON
 * mapper writes them by label, so events read {@code "prediction": "x"}.
 *
 * @param runId           stable id, also the Kafka key and the object-store prefix
 * @param experimentId    the request this run came from
 * @param dataset         what to train on
 * @param model           the denoiser
 * @param method          flow matching (the paper) or the DDPM eps baseline
 * @param prediction      network output (x, eps, v); DDPM uses eps
 * @param loss            loss space (x, eps, v); the paper's recommendation is x-prediction, v-loss
 * @param train           optimisation settings
 * @param sampling        how checkpoints are sampled
 * @param eval            how samples are scored
 */
public record RunSpec(
        String runId,
        String experimentId,
        DatasetSpec dataset,
        ModelSpec model,
        Method method,
        Prediction prediction,
        LossSpace loss,
        TrainSpec train,
        SamplingSpec sampling,
        EvalSpec eval) {

    /**
     * @param kind      what to read
     * @param location  file or folder (null = the kind's default, e.g. Debian's Fashion-MNIST path)
     * @param imageSize side length in pixels after resizing (celeba); 0 or the native size otherwise
     * @param toyDim    D of the toy manifold (ignored for images)
     * @param limit     use only the first N training samples (0 = all), to fit a CPU budget
     * @param randomFlip flip each training image horizontally with probability 1/2 (on for natural images)
     */
    public record DatasetSpec(
            DatasetKind kind, String location, int imageSize, int toyDim, int limit, boolean randomFlip) {
        /** without random flips */
        public DatasetSpec(DatasetKind kind, String location, int imageSize, int toyDim, int limit) {
            this(kind, location, imageSize, toyDim, limit, false);
        }

        /** the same data read up to {@code samples} samples (0 = all), without flips (for scoring) */
        public DatasetSpec withLimit(int samples) {
            return new DatasetSpec(kind, location, imageSize, toyDim, samples, false);
        }
    }

    /**
     * @param arch       jit, or mlp (the toy denoiser)
     * @param size       JiT size (null for mlp)
     * @param patch      patch side; must divide the image side
     * @param bottleneck patch-embedding bottleneck width, 0 = a single Linear
     * @param mlpWidth   hidden width of the toy MLP
     * @param mlpDepth   number of layers of the toy MLP
     * @param block      JiT's block switches (null for mlp; absent in older specs = the baseline)
     */
    public record ModelSpec(
            Arch arch, JitSize size, int patch, int bottleneck, int mlpWidth, int mlpDepth, JitBlock block) {
        /** a JiT with the baseline block, or the toy MLP */
        public ModelSpec(Arch arch, JitSize size, int patch, int bottleneck, int mlpWidth, int mlpDepth) {
            this(arch, size, patch, bottleneck, mlpWidth, mlpDepth, arch == Arch.JIT ? JitBlock.BASELINE : null);
        }

        /** the block a JiT runs: the baseline when the spec names none */
        public JitBlock blockOrBaseline() {
            return block == null ? JitBlock.BASELINE : block;
        }
    }

    /**
     * @param epochs             passes over the (limited) data
     * @param batchSize          images per step
     * @param learningRate       AdamW learning rate (constant after warm-up)
     * @param warmupSteps        linear warm-up length
     * @param emaDecay           EMA of the weights used for sampling
     * @param timeSampling       how t is drawn
     * @param tMean              logit-normal mean, the reference's P_mean (-0.8)
     * @param tStd               logit-normal std, the reference's P_std (0.8)
     * @param noiseScale         std of the noise (1 up to 256 px)
     * @param labelDropProb      probability of replacing a label with the null class
     * @param checkpointEvery    epochs between checkpoints
     * @param seed               seeds shuffling, init and noise
     * @param emaDecay2          a second EMA kept beside emaDecay (the reference keeps 0.9999 and 0.9996);
     *                           0 = none. Grids come from the first; evaluations score both
     * @param precision          fp32, or fp16 mixed precision with dynamic loss scaling (GPU nodes)
     */
    public record TrainSpec(
            int epochs,
            int batchSize,
            double learningRate,
            int warmupSteps,
            double emaDecay,
            TimeSampling timeSampling,
            double tMean,
            double tStd,
            double noiseScale,
            double labelDropProb,
            int checkpointEvery,
            long seed,
            double emaDecay2,
            Precision precision) {
        public TrainSpec {
            precision = precision == null ? Precision.FP32 : precision;
        }

        /** the same run with another learning rate */
        public TrainSpec withLearningRate(double lr) {
            return new TrainSpec(
                    epochs,
                    batchSize,
                    lr,
                    warmupSteps,
                    emaDecay,
                    timeSampling,
                    tMean,
                    tStd,
                    noiseScale,
                    labelDropProb,
                    checkpointEvery,
                    seed,
                    emaDecay2,
                    precision);
        }

        /** the decays of the EMAs kept: emaDecay, and emaDecay2 when it is not 0 */
        public java.util.List<Double> emaDecays() {
            return emaDecay2 > 0 ? java.util.List.of(emaDecay, emaDecay2) : java.util.List.of(emaDecay);
        }
    }

    /**
     * @param solver          euler or heun (flow); ancestral (DDPM)
     * @param steps           solver steps (flow); network calls of the strided ancestral chain (DDPM, T = 1000
     *                        is the full chain)
     * @param gridSize        side of the PNG grid (gridSize^2 images)
     * @param numEval         samples generated for FID/IS
     * @param seed            fixed so grids of successive epochs are comparable
     * @param cfgScale        classifier-free guidance scale (1 = none)
     * @param cfgIntervalLow  guidance applies where low < t < high (t = 0 included when low = 0), scale 1
     *                        elsewhere; the paper's interval is (0.1, 1) (reference interval_min/max)
     * @param cfgIntervalHigh see cfgIntervalLow
     * @param clipDenoised    DDPM: clip the predicted x0 to [-1, 1] at each ancestral step (reference default)
     */
    public record SamplingSpec(
            Solver solver,
            int steps,
            int gridSize,
            int numEval,
            long seed,
            double cfgScale,
            double cfgIntervalLow,
            double cfgIntervalHigh,
            boolean clipDenoised) {
        /** the paper's guidance interval (0.1, 1) */
        public static final double DEFAULT_CFG_LOW = 0.1;

        public static final double DEFAULT_CFG_HIGH = 1.0;

        /** the paper's guidance interval and clipped DDPM steps */
        public SamplingSpec(Solver solver, int steps, int gridSize, int numEval, long seed, double cfgScale) {
            this(solver, steps, gridSize, numEval, seed, cfgScale, DEFAULT_CFG_LOW, DEFAULT_CFG_HIGH, true);
        }

        /** true when guidance is on at flow time t */
        public boolean guidedAt(double t) {
            return t < cfgIntervalHigh && (cfgIntervalLow == 0 || t > cfgIntervalLow);
        }

        /** the same settings with another guidance scale */
        public SamplingSpec withCfgScale(double scale) {
            return new SamplingSpec(
                    solver, steps, gridSize, numEval, seed, scale, cfgIntervalLow, cfgIntervalHigh, clipDenoised);
        }

        /** the same settings with another number of steps */
        public SamplingSpec withSteps(int newSteps) {
            return new SamplingSpec(
                    solver, newSteps, gridSize, numEval, seed, cfgScale, cfgIntervalLow, cfgIntervalHigh, clipDenoised);
        }
    }

    /**
     * @param extractor       classifier (the project's own, reported as fd_classifier), inception, or none
     * @param referenceStats  object key or path of reference statistics (.npz); null = computed from the dataset
     * @param guidanceScales  the paper's evaluation practice: each checkpoint is also sampled and scored at
     *                        these classifier-free guidance scales (with every EMA kept), and the best is
     *                        reported with the whole table; empty = the sampling settings only
     */
    public record EvalSpec(Extractor extractor, String referenceStats, java.util.List<Double> guidanceScales) {
        public EvalSpec {
            guidanceScales = guidanceScales == null ? java.util.List.of() : java.util.List.copyOf(guidanceScales);
        }

        /** scores the sampling settings only */
        public EvalSpec(Extractor extractor, String referenceStats) {
            this(extractor, referenceStats, java.util.List.of());
        }
    }
}
