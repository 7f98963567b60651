package org.denoiselab.science.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.util.Map;
import org.denoiselab.science.model.ParamSet;
import org.denoiselab.science.tensor.NoGrad;
import org.denoiselab.science.tensor.Scalars;

/**
 * AdamW as in PyTorch (decoupled weight decay, bias-corrected moments), with the paper's betas (0.9, 0.95)
 * and no weight decay by default. Its moments are ParamSets so a checkpoint stores them exactly.
 */
public final class AdamW implements AutoCloseable {
    private final double beta1;
    private final double beta2;
    private final double eps;
    private final double weightDecay;
    private final ParamSet firstMoment;
    private final ParamSet secondMoment;
    private long step;

    public AdamW(ParamSet params, NDManager parent, double beta1, double beta2, double eps, double weightDecay) {
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
        this.firstMoment = params.zerosLike(parent);
        this.secondMoment = params.zerosLike(parent);
    }

    /** the paper's optimiser: betas (0.9, 0.95), eps 1e-8, no weight decay */
    public static AdamW paper(ParamSet params, NDManager parent) {
        return new AdamW(params, parent, 0.9, 0.95, 1e-8, 0.0);
    }

    /**
     * One update of every parameter from its accumulated gradient, which is then zeroed:
     * m = b1 m + (1 - b1) g; v = b2 v + (1 - b2) g^2; p -= lr wd p (decoupled decay);
     * p -= lr / (1 - b1^s) * m / (sqrt(v) / sqrt(1 - b2^s) + eps), as torch.optim.AdamW. Gradient
     * recording is off for the whole update (it writes leaf tensors in place); temporaries live in a
     * sub-manager closed at the end.
     */
    public void step(ParamSet params, double lr) {
        step(params, lr, 1.0);
    }

    /**
     * The update with every gradient first multiplied by {@code gradScale} (1 / the FP16 loss scale).
     */
    public void step(ParamSet params, double lr, double gradScale) {
        step++;
        double bias1 = 1 - Math.pow(beta1, step);
        double bias2 = 1 - Math.pow(beta2, step);
        double stepSize = lr / bias1;
        double sqrtBias2 = Math.sqrt(bias2);
        try (NoGrad ignored = NoGrad.enter();
                NDManager scratch = params.manager().newSubManager()) {
            for (Map.Entry<String, NDArray> e : params.arrays().entrySet()) {
                NDArray p = e.getValue();
                NDArray g = p.getGradient();
                g.attach(scratch);
                if (gradScale != 1.0) {
                    g = Scalars.mul(g, gradScale);
                }
                NDArray m = firstMoment.get(e.getKey());
                NDArray v = secondMoment.get(e.getKey());
                Scalars.muli(m, beta1).addi(Scalars.mul(g, 1 - beta1));
                Scalars.muli(v, beta2).addi(Scalars.muli(g.square(), 1 - beta2));
                if (weightDecay != 0) {
                    Scalars.muli(p, 1 - lr * weightDecay);
                }
                NDArray denom = Scalars.addi(Scalars.divi(v.sqrt(), sqrtBias2), eps);
                denom.attach(scratch);
                NDArray update = Scalars.muli(m.div(denom), stepSize);
                update.attach(scratch);
                p.subi(update);
                JniUtils.zeroGrad((PtNDArray) p);
            }
        }
    }

    /**
     * Null when every accumulated gradient is finite, else "gradient of NAME is not finite" for the first
     * such parameter. One reduction on the device, one host read; names are looked up only on failure.
     */
    public String firstNonFiniteGradient(ParamSet params) {
        try (NoGrad ignored = NoGrad.enter();
                NDManager scratch = params.manager().newSubManager()) {
            NDArray total = null;
            for (NDArray p : params.arrays().values()) {
                NDArray g = p.getGradient();
                g.attach(scratch);
                NDArray s = g.sum();
                s.attach(scratch);
                total = total == null ? s : total.add(s);
            }
            if (total == null || Float.isFinite(total.getFloat())) {
                return null;
            }
            for (Map.Entry<String, NDArray> e : params.arrays().entrySet()) {
                NDArray g = e.getValue().getGradient();
                g.attach(scratch);
                NDArray s = g.sum();
                s.attach(scratch);
                if (!Float.isFinite(s.getFloat())) {
                    return "gradient of " + e.getKey() + " is not finite";
                }
            }
            return "gradients overflow float32 (their sum is not finite)";
        }
    }

    /** drops the accumulated gradients without updating (a skipped step) */
    public void zeroGradients(ParamSet params) {
        for (NDArray p : params.arrays().values()) {
            JniUtils.zeroGrad((PtNDArray) p);
        }
    }

    public long stepCount() {
        return step;
    }

    void setStep(long stepCount) {
        this.step = stepCount;
    }

    ParamSet firstMoment() {
        return firstMoment;
    }

    ParamSet secondMoment() {
        return secondMoment;
    }

    @Override
    public void close() {
        firstMoment.close();
        secondMoment.close();
    }
}
