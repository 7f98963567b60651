package org.denoiselab.core.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.util.Map;
import org.denoiselab.core.model.ParamSet;

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
     * One update of every parameter from its accumulated gradient, which is then zeroed. Runs outside
     * gradient recording; temporaries live in a sub-manager that is closed at the end.
     */
    public void step(ParamSet params, double lr) {
        step++;
        double bias1 = 1 - Math.pow(beta1, step);
        double bias2 = 1 - Math.pow(beta2, step);
        double stepSize = lr / bias1;
        double sqrtBias2 = Math.sqrt(bias2);
        try (NDManager scratch = params.manager().newSubManager()) {
            for (Map.Entry<String, NDArray> e : params.arrays().entrySet()) {
                NDArray p = e.getValue();
                NDArray g = p.getGradient();
                g.attach(scratch);
                NDArray m = firstMoment.get(e.getKey());
                NDArray v = secondMoment.get(e.getKey());
                m.muli(beta1).addi(g.mul(1 - beta1));
                v.muli(beta2).addi(g.square().muli(1 - beta2));
                if (weightDecay != 0) {
                    p.muli(1 - lr * weightDecay);
                }
                NDArray denom = v.sqrt().divi(sqrtBias2).addi(eps);
                denom.attach(scratch);
                NDArray update = m.div(denom).muli(stepSize);
                update.attach(scratch);
                p.subi(update);
                JniUtils.zeroGrad((PtNDArray) p);
            }
        }
    }

    /** true when every accumulated gradient is finite (one reduction per tensor, one host read) */
    public boolean gradientsFinite(ParamSet params) {
        try (NDManager scratch = params.manager().newSubManager()) {
            NDArray total = null;
            for (NDArray p : params.arrays().values()) {
                NDArray g = p.getGradient();
                g.attach(scratch);
                NDArray s = g.sum();
                s.attach(scratch);
                total = total == null ? s : total.add(s);
            }
            return total == null || Float.isFinite(total.getFloat());
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
