package org.denoiselab.pipeline.jobs;

import ai.djl.Device;
import java.nio.file.Path;
import org.denoiselab.science.util.Engines;

/**
 * What the jobs need besides the object store, passed in by each service (no global state).
 *
 * @param device                where training and sampling run
 * @param classifierTrainImages training images for the evaluation classifier (0 = the whole training split)
 * @param classifierEpochs      passes of the classifier over those images
 * @param classifierBatch       classifier mini-batch size
 * @param referenceImages       test-split images behind the reference statistics (0 = the whole split)
 * @param inceptionPath         TorchScript inception-2015-12-05.pt for extractor "inception"; null = not available
 * @param seed                  seeds the classifier's training
 * @param dataRoots             where a run spec's dataset.location and local evaluation.referenceStats may
 *                              point; null = anywhere (the CLI and the tests, on the user's own machine)
 */
public record JobSettings(
        Device device,
        int classifierTrainImages,
        int classifierEpochs,
        int classifierBatch,
        int referenceImages,
        Path inceptionPath,
        long seed,
        DataRoots dataRoots) {

    /** without data roots: run specs may name any local path */
    public JobSettings(
            Device device,
            int classifierTrainImages,
            int classifierEpochs,
            int classifierBatch,
            int referenceImages,
            Path inceptionPath,
            long seed) {
        this(
                device,
                classifierTrainImages,
                classifierEpochs,
                classifierBatch,
                referenceImages,
                inceptionPath,
                seed,
                null);
    }

    public JobSettings {
        if (device == null) {
            throw new IllegalArgumentException("job settings: device is required");
        }
        requireAtLeast("classifierTrainImages", classifierTrainImages, 0);
        requireAtLeast("classifierEpochs", classifierEpochs, 1);
        requireAtLeast("classifierBatch", classifierBatch, 1);
        requireAtLeast("referenceImages", referenceImages, 0);
    }

    /**
     * The services' defaults: a classifier trained on 20000 images for 2 epochs (the eval package's
     * accuracy test asks for over 80% on Fashion-MNIST), reference statistics of the whole test split.
     */
    public static JobSettings defaults() {
        return new JobSettings(Engines.defaultDevice(), 20_000, 2, 128, 0, null, 0L);
    }

    public JobSettings withDevice(Device d) {
        return new JobSettings(
                d,
                classifierTrainImages,
                classifierEpochs,
                classifierBatch,
                referenceImages,
                inceptionPath,
                seed,
                dataRoots);
    }

    public JobSettings withClassifierBudget(int images, int epochs) {
        return new JobSettings(
                device, images, epochs, classifierBatch, referenceImages, inceptionPath, seed, dataRoots);
    }

    public JobSettings withReferenceImages(int images) {
        return new JobSettings(
                device,
                classifierTrainImages,
                classifierEpochs,
                classifierBatch,
                images,
                inceptionPath,
                seed,
                dataRoots);
    }

    public JobSettings withInceptionPath(Path path) {
        return new JobSettings(
                device,
                classifierTrainImages,
                classifierEpochs,
                classifierBatch,
                referenceImages,
                path,
                seed,
                dataRoots);
    }

    /** run specs may name local files under these roots only (the services) */
    public JobSettings withDataRoots(DataRoots roots) {
        return new JobSettings(
                device,
                classifierTrainImages,
                classifierEpochs,
                classifierBatch,
                referenceImages,
                inceptionPath,
                seed,
                roots);
    }

    private static void requireAtLeast(String name, int value, int min) {
        if (value < min) {
            throw new IllegalArgumentException("job settings: " + name + " must be >= " + min + ", was " + value);
        }
    }
}
