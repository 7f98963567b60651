package org.denoiselab.science.model;

import ai.djl.ndarray.types.DataType;
import org.denoiselab.science.spec.Choice;

/**
 * The arithmetic of a run's network. FP16 is mixed precision as torch.autocast does it: matrix products
 * and attention in half precision on half copies of FP32 master weights, norms, softmax, the loss and the
 * optimizer in FP32, with dynamic loss scaling ({@link org.denoiselab.science.train.LossScaler}).
 * BFLOAT16 is not offered: NDArray.toType(BFLOAT16) aborts the JVM in DJL 0.35.1 (CPU and GPU).
 */
public enum Precision implements Choice {
    FP32(DataType.FLOAT32),
    FP16(DataType.FLOAT16);

    private final DataType compute;

    Precision(DataType compute) {
        this.compute = compute;
    }

    /** the type matrix products run in */
    public DataType compute() {
        return compute;
    }

    @Override
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
