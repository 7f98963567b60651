package org.denoiselab.science.diffusion;

import org.denoiselab.science.spec.Choice;

/**
 * The space a training loss is measured in, independently of what the network predicts (the paper's
 * Table 1: any prediction with any loss; x-prediction with the v-loss is its recommendation).
 */
public enum LossSpace implements Choice {
    /** the error of the implied clean image */
    X(Prediction.X),
    /** the error of the implied noise */
    EPS(Prediction.EPS),
    /** the error of the implied velocity */
    V(Prediction.V);

    private final Prediction quantity;

    LossSpace(Prediction quantity) {
        this.quantity = quantity;
    }

    /** the quantity the loss compares */
    public Prediction quantity() {
        return quantity;
    }

    @Override
    public String label() {
        return quantity.label();
    }
}
