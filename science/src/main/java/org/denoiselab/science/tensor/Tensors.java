package org.denoiselab.science.tensor;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Java arrays into PyTorch-owned tensors, and in-place copies between tensors that stay in PyTorch
 * memory. DJL's {@code NDManager.create(float[])} and {@code NDArray.set(float[])} make a CPU tensor
 * whose storage is a Java direct buffer ({@code torch::from_blob}): freed when Java collects the NDArray
 * object, whatever PyTorch still holds, and aligned to 16 bytes where PyTorch's allocator aligns to 64
 * (BLAS kernels may take other code paths, and round differently, on other alignments). Here the Java
 * buffer only carries the values across; the tensor the caller gets is a clone in PyTorch's memory.
 */
public final class Tensors {
    private Tensors() {}

    /** A float32 tensor of {@code shape} holding {@code values} (length = shape.size()), PyTorch-owned. */
    public static NDArray of(NDManager manager, float[] values, Shape shape) {
        return owned(manager.create(values, shape));
    }

    /** A float32 vector [n] of {@code values}, PyTorch-owned. */
    public static NDArray of(NDManager manager, float[] values) {
        return of(manager, values, new Shape(values.length));
    }

    /** A float64 tensor of {@code shape} holding {@code values}, PyTorch-owned. */
    public static NDArray of(NDManager manager, double[] values, Shape shape) {
        return owned(manager.create(values, shape));
    }

    /**
     * A uint8 tensor of {@code shape} holding {@code length} bytes of {@code bytes} from {@code offset}
     * (length = shape.size()), PyTorch-owned.
     */
    public static NDArray ofUint8(NDManager manager, byte[] bytes, int offset, int length, Shape shape) {
        ByteBuffer buf = ByteBuffer.allocateDirect(length);
        buf.put(bytes, offset, length).flip();
        return owned(manager.create(buf, shape, DataType.UINT8));
    }

    /** An int64 vector [n] of {@code values}, PyTorch-owned. */
    public static NDArray of(NDManager manager, long[] values) {
        return owned(manager.create(values, new Shape(values.length)));
    }

    /** A boolean vector [n] of {@code values}, PyTorch-owned. */
    public static NDArray ofBooleans(NDManager manager, boolean[] values) {
        return owned(manager.create(values));
    }

    /** An int32 vector [n] of {@code values}, PyTorch-owned. */
    public static NDArray of(NDManager manager, int[] values) {
        return owned(manager.create(values, new Shape(values.length)));
    }

    /**
     * Overwrites {@code target} with {@code values} in place (same shape; its storage, identity and
     * requires-gradient flag stay), with gradient recording off.
     *
     * @throws IllegalArgumentException when the number of values does not match the target's size
     */
    public static void overwrite(NDArray target, float[] values) {
        if (values.length != target.size()) {
            throw new IllegalArgumentException(
                    values.length + " values do not fit a tensor of shape " + target.getShape());
        }
        try (NDArray src = of(target.getManager(), values, target.getShape())) {
            copy(src, target);
        }
    }

    /**
     * Copies {@code src} into {@code target} in place (PyTorch's index_put_ over the whole tensor), with
     * gradient recording off; shapes must be equal.
     *
     * @throws IllegalArgumentException when the shapes differ
     */
    public static void copy(NDArray src, NDArray target) {
        Shape shape = target.getShape();
        if (!src.getShape().equals(shape)) {
            throw new IllegalArgumentException("cannot copy shape " + src.getShape() + " into " + shape);
        }
        try (NoGrad ignored = NoGrad.enter()) {
            if (shape.dimension() == 0) {
                try (NDArray t = target.reshape(1);
                        NDArray s = src.reshape(1)) {
                    copy(s, t);
                }
                return;
            }
            long[] min = new long[shape.dimension()];
            long[] max = shape.getShape();
            long[] step = new long[shape.dimension()];
            Arrays.fill(step, 1L);
            JniUtils.indexSet((PtNDArray) target, (PtNDArray) src, min, max, step);
        }
    }

    /** A PyTorch-owned clone of a freshly created (Java-backed) tensor, which is closed. */
    private static NDArray owned(NDArray javaBacked) {
        if (javaBacked.getDevice().isGpu()) {
            return javaBacked; // DJL copies to the device in native code: the storage is already PyTorch's
        }
        try (javaBacked) {
            return javaBacked.duplicate();
        }
    }
}
