package org.denoiselab.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Named weight tensors of one model, in a fixed order, owned by one NDManager. The live weights, their
 * EMA copy and the optimizer moments are each a ParamSet with the same names, so a forward pass can run
 * on any of them and a checkpoint is just these sets written in order.
 */
public final class ParamSet implements AutoCloseable {
    private final NDManager manager;
    private final Map<String, NDArray> arrays = new LinkedHashMap<>();

    public ParamSet(NDManager parent) {
        this.manager = parent.newSubManager();
    }

    public NDManager manager() {
        return manager;
    }

    public NDArray add(String name, float[] values, Shape shape) {
        if (arrays.containsKey(name)) {
            throw new IllegalArgumentException("duplicate parameter " + name);
        }
        NDArray a = manager.create(values, shape);
        arrays.put(name, a);
        return a;
    }

    public NDArray get(String name) {
        NDArray a = arrays.get(name);
        if (a == null) {
            throw new IllegalArgumentException("no parameter named " + name);
        }
        return a;
    }

    public Map<String, NDArray> arrays() {
        return Collections.unmodifiableMap(arrays);
    }

    public long count() {
        long n = 0;
        for (NDArray a : arrays.values()) {
            n += a.size();
        }
        return n;
    }

    /** A set with the same names and shapes, filled with zeros (optimizer moments). */
    public ParamSet zerosLike(NDManager parent) {
        ParamSet z = new ParamSet(parent);
        arrays.forEach((k, v) -> z.add(k, new float[Math.toIntExact(v.size())], v.getShape()));
        return z;
    }

    /** A detached copy (EMA weights start equal to the initial weights). */
    public ParamSet copy(NDManager parent) {
        ParamSet c = new ParamSet(parent);
        arrays.forEach((k, v) -> c.add(k, v.toFloatArray(), v.getShape()));
        return c;
    }

    /** Overwrites every tensor with the same-named one of {@code other} (shapes must match). */
    public void copyFrom(ParamSet other) {
        arrays.forEach((k, v) -> {
            NDArray src = other.get(k);
            if (!src.getShape().equals(v.getShape())) {
                throw new IllegalArgumentException(
                        "parameter " + k + ": shape " + src.getShape() + " does not match " + v.getShape());
            }
            v.set(src.toFloatArray());
        });
    }

    public void requireGradients() {
        arrays.values().forEach(a -> a.setRequiresGradient(true));
    }

    @Override
    public void close() {
        manager.close();
    }
}
