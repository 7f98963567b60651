package org.denoiselab.science.eval;

import org.denoiselab.science.spec.Choice;

/** The feature extractor that scores samples (FD and IS are named after it). */
public enum Extractor implements Choice {
    /** the project's CNN trained on the labelled dataset: fd_classifier, is_classifier ({@link ClassifierExtractor}) */
    CLASSIFIER,
    /** Inception-v3 pool features and logits from TorchScript weights: fid_inception, is_inception */
    INCEPTION,
    /** no scores (the toy study measures distances to the spiral instead) */
    NONE;

    /** the dimension of its features (the covariance is featureDim x featureDim); 0 for none */
    public int featureDim() {
        return switch (this) {
            case CLASSIFIER -> ClassifierExtractor.FEATURE_DIM;
            case INCEPTION -> InceptionExtractor.FEATURE_DIM;
            case NONE -> 0;
        };
    }

    @Override
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
