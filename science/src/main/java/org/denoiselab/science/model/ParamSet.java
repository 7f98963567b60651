package org.denoiselab.science.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.denoiselab.science.tensor.NoGrad;
import org.denoiselab.science.tensor.Tensors;

/**
 * Named weight tensors of one model, in a fixed order, owned by one NDManager. The live weights, their
 * EMA copy and the optimizer moments are each a ParamSet with the same names, so a forward pass can run
 * on any of them and a checkpoint is just these sets written in order.
 */
public final class ParamSet implements AutoCloseable {
    private final NDManager manager;
    private final Map<String, NDArray> arrays = new LinkedHashMap<>();
    private final Map<String, long[]> storedShapes = new LinkedHashMap<>();

    public ParamSet(NDManager parent) {
        this.manager = parent.newSubManager();
    }

    public NDManager manager() {
        return manager;
    }

    /**
     * Adds a tensor of {@code shape} holding {@code values}, in PyTorch-owned memory.
     *
     * @throws IllegalArgumentException when the name is taken
     */
    public NDArray add(String name, float[] values, Shape shape) {
        return put(name, Tensors.of(manager, values, shape));
    }

    /**
     * Adds a tensor as {@link #add(String, float[], Shape)} that checkpoints record in another shape of the
     * same size: the layout PyTorch's module has for it (a patch embedding kept as a Linear [out, C p p]
     * here is a Conv2d weight [out, C, p, p] there).
     *
     * @throws IllegalArgumentException when the name is taken or the sizes differ
     */
    public NDArray add(String name, float[] values, Shape shape, Shape storedShape) {
        if (storedShape.size() != shape.size()) {
            throw new IllegalArgumentException(name + ": stored shape " + storedShape + " does not hold " + shape);
        }
        NDArray a = add(name, values, shape);
        storedShapes.put(name, storedShape.getShape());
        return a;
    }

    /** per name, the shape checkpoints record where it differs from the tensor's */
    public Map<String, long[]> storedShapes() {
        return Collections.unmodifiableMap(storedShapes);
    }

    private NDArray put(String name, NDArray a) {
        if (arrays.containsKey(name)) {
            a.close();
            throw new IllegalArgumentException("duplicate parameter " + name);
        }
        a.setName(name);
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
        arrays.forEach((k, v) -> z.put(k, z.manager.zeros(v.getShape(), v.getDataType())));
        z.storedShapes.putAll(storedShapes);
        return z;
    }

    /** A detached copy in PyTorch memory (EMA weights start equal to the initial weights). */
    public ParamSet copy(NDManager parent) {
        ParamSet c = new ParamSet(parent);
        try (NoGrad ignored = NoGrad.enter()) {
            arrays.forEach((k, v) -> {
                NDArray d = v.duplicate();
                d.attach(c.manager);
                c.put(k, d);
            });
        }
        c.storedShapes.putAll(storedShapes);
        return c;
    }

    /**
     * Overwrites every tensor in place with the same-named one of {@code other}.
     *
     * @throws IllegalArgumentException when a name is missing or a shape differs
     */
    public void copyFrom(ParamSet other) {
        arrays.forEach((k, v) -> {
            NDArray src = other.get(k);
            if (!src.getShape().equals(v.getShape())) {
                throw new IllegalArgumentException(
                        "parameter " + k + ": shape " + src.getShape() + " does not match " + v.getShape());
            }
            Tensors.copy(src, v);
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
