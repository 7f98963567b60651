package org.denoiselab.science.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.denoiselab.science.tensor.Scalars;

/** Generates samples by integrating dz/dt = v̂(z, t) from noise at t = 0 to data at t = 1. */
public final class FlowSampler {

    private FlowSampler() {}

    /**
     * Integrates on the uniform grid t_i = i / steps, i = 0..steps. Heun's last step is plain Euler, since
     * the corrector would evaluate the network at t = 1 where the x-to-v conversion is clamped.
     *
     * @param net   raw network, its output interpreted as {@code pred}
     * @param noise the start z at t = 0, shape [B, ...]; left untouched
     * @return the sample x (z at t = 1), in the manager of {@code noise}
     */
    public static NDArray sample(Network net, Prediction pred, NDArray noise, int steps, Solver solver) {
        if (solver.method() != Method.FLOW) {
            throw new IllegalArgumentException("solver " + solver.label() + " does not integrate flow matching");
        }
        if (steps < 1) {
            throw new IllegalArgumentException("sampling steps must be >= 1, got " + steps);
        }
        NDManager owner = noise.getManager();
        NDArray z = noise;
        for (int i = 0; i < steps; i++) {
            float t0 = (float) i / steps;
            float t1 = (float) (i + 1) / steps;
            boolean corrector = solver == Solver.HEUN && i < steps - 1;
            z = StepScope.run(owner, z, i == 0, cur -> step(net, pred, cur, t0, t1, corrector));
        }
        return z;
    }

    private static NDArray step(Network net, Prediction pred, NDArray z, float t0, float t1, boolean corrector) {
        float dt = t1 - t0;
        NDArray v0 = velocity(net, pred, z, t0);
        NDArray euler = z.add(Scalars.mul(v0, dt));
        if (!corrector) {
            return euler;
        }
        NDArray v1 = velocity(net, pred, euler, t1);
        return z.add(Scalars.mul(v0.add(v1), dt / 2f));
    }

    private static NDArray velocity(Network net, Prediction pred, NDArray z, float t) {
        NDManager scope = z.getManager();
        NDArray times = scope.full(new Shape(z.getShape().get(0)), t, DataType.FLOAT32);
        return FlowMatching.toV(pred, net.apply(z, times, t), z, times);
    }
}
