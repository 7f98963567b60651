package org.denoiselab.science.tensor;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.function.BinaryOperator;

/**
 * Element-wise arithmetic between a tensor and a Java number, with the number held in a 0-d tensor that
 * PyTorch owns ({@code torch.full}), never in a Java buffer. DJL's own {@code NDArray.mul(Number)} (and
 * div, add, sub, pow, maximum, ...) wrap the number in a Java-backed tensor and close it right after the
 * op; ops such as mul and div save that operand for backward, so the gradient read whatever the Java
 * heap put there after the next collection (seen here: d(0.125 q)/dq came out 7.0, 20 times out of 20).
 *
 * <p>Every result lands in the manager of {@code x}, like DJL's own ops. The constant is closed at once:
 * the graph keeps its own reference to PyTorch's storage. Constants used at every step (an attention
 * scale) can be made once with {@link #constant} and passed to the NDArray op directly.
 */
public final class Scalars {
    private Scalars() {}

    /**
     * A 0-d tensor holding {@code value}, in PyTorch-owned memory of {@code manager}'s device. Its type is
     * {@code type}, except that half-precision types get FLOAT32 (PyTorch keeps the result half, and the
     * number loses no precision).
     */
    public static NDArray constant(NDManager manager, double value, DataType type) {
        DataType t = type == DataType.FLOAT16 || type == DataType.BFLOAT16 ? DataType.FLOAT32 : type;
        return manager.full(new Shape(), (float) value, t);
    }

    /** x * c */
    public static NDArray mul(NDArray x, double c) {
        return apply(x, c, (a, b) -> a.mul(b));
    }

    /** x / c */
    public static NDArray div(NDArray x, double c) {
        return apply(x, c, (a, b) -> a.div(b));
    }

    /** x + c */
    public static NDArray add(NDArray x, double c) {
        return apply(x, c, (a, b) -> a.add(b));
    }

    /** x - c */
    public static NDArray sub(NDArray x, double c) {
        return apply(x, c, (a, b) -> a.sub(b));
    }

    /** c - x */
    public static NDArray rsub(double c, NDArray x) {
        return apply(x, c, (a, b) -> a.neg().addi(b));
    }

    /** max(x, c) element-wise (a clamp from below that, unlike clip, keeps the gradient where x > c) */
    public static NDArray maximum(NDArray x, double c) {
        return apply(x, c, (a, b) -> a.maximum(b));
    }

    /** min(x, c) element-wise */
    public static NDArray minimum(NDArray x, double c) {
        return apply(x, c, (a, b) -> a.minimum(b));
    }

    /** x ^ c */
    public static NDArray pow(NDArray x, double c) {
        return apply(x, c, (a, b) -> a.pow(b));
    }

    /** x clipped to [lo, hi] (PyTorch's clamp takes the bounds as C++ scalars: nothing Java-owned stays) */
    public static NDArray clip(NDArray x, double lo, double hi) {
        return x.clip(lo, hi);
    }

    /** x *= c, in place (for tensors outside the graph: optimizer state, samplers) */
    public static NDArray muli(NDArray x, double c) {
        return apply(x, c, (a, b) -> a.muli(b));
    }

    /** x += c, in place */
    public static NDArray addi(NDArray x, double c) {
        return apply(x, c, (a, b) -> a.addi(b));
    }

    /** x /= c, in place */
    public static NDArray divi(NDArray x, double c) {
        return apply(x, c, (a, b) -> a.divi(b));
    }

    /** op(x, constant c), the constant closed right after */
    private static NDArray apply(NDArray x, double c, BinaryOperator<NDArray> op) {
        try (NDArray k = constant(x.getManager(), c, x.getDataType())) {
            return op.apply(x, k);
        }
    }
}
