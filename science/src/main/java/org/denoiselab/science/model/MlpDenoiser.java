package org.denoiselab.science.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.denoiselab.science.tensor.Scalars;

/**
 * The toy study's denoiser (paper, Fig. 2): an MLP of {@code depth} linear layers of width {@code width}
 * on a D-dimensional point, with SiLU between layers and the time features of t added to the first
 * hidden layer. Samples are 1 x 1 x D "images"; labels are ignored. The features take 1000 t (the DDPM
 * timestep scale): on raw t in [0, 1] every sinusoid is nearly linear and the MLP hardly sees time.
 */
public final class MlpDenoiser extends Denoiser {
    private static final int TIME_FEATURES = 64;
    private static final float TIME_SCALE = 1000f;

    private final int dim;
    private final int width;
    private final int depth;
    private final NDArray timeFreqs;

    public MlpDenoiser(NDManager parent, int dim, int width, int depth, long seed) {
        super(parent, 1, new int[] {1, 1, dim});
        if (depth < 2) {
            throw new IllegalArgumentException("mlp depth must be at least 2, got " + depth);
        }
        this.dim = dim;
        this.width = width;
        this.depth = depth;
        this.timeFreqs = Ops.timeFrequencyRow(manager, TIME_FEATURES);
        Init init = new Init(seed);
        params.add("input.weight", init.xavier(width, dim), new Shape(width, dim));
        params.add("input.bias", Init.zeros(width), new Shape(width));
        params.add("time.weight", init.xavier(width, TIME_FEATURES), new Shape(width, TIME_FEATURES));
        for (int i = 1; i < depth - 1; i++) {
            params.add("hidden." + i + ".weight", init.xavier(width, width), new Shape(width, width));
            params.add("hidden." + i + ".bias", Init.zeros(width), new Shape(width));
        }
        params.add("output.weight", init.xavier(dim, width), new Shape(dim, width));
        params.add("output.bias", Init.zeros(dim), new Shape(dim));
    }

    /** labels are ignored: the toy data has one class */
    @Override
    public NDArray forward(ParamSet w, NDArray z, NDArray t, NDArray labels) {
        Shape shape = z.getShape();
        NDArray x = Ops.linear(z.reshape(shape.get(0), dim), w.get("input.weight"), w.get("input.bias"))
                .add(Ops.linear(Ops.timeFeatures(Scalars.mul(t, TIME_SCALE), timeFreqs), w.get("time.weight"), null));
        x = Ops.silu(x);
        for (int i = 1; i < depth - 1; i++) {
            x = Ops.silu(Ops.linear(x, w.get("hidden." + i + ".weight"), w.get("hidden." + i + ".bias")));
        }
        return Ops.linear(x, w.get("output.weight"), w.get("output.bias")).reshape(shape);
    }

    @Override
    public String describe() {
        return String.format("MLP depth %d width %d on D=%d (%.2fM params)", depth, width, dim, params.count() / 1e6);
    }
}
