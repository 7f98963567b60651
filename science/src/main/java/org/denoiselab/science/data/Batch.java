package org.denoiselab.science.data;

/**
 * One batch: {@code count} samples of {@code images.length / count} floats each (CHW, [-1, 1]) and
 * their labels. Plain arrays so that the data package stays free of DJL.
 */
public record Batch(float[] images, int[] labels, int count) {}
