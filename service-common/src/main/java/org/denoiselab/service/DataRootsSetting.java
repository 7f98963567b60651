package org.denoiselab.service;

import io.quarkus.runtime.Startup;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import org.denoiselab.pipeline.jobs.DataRoots;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The folders under which requests may name local files (dataset.location, evaluation.referenceStats), from
 * {@code denoise.data.roots} (DENOISE_DATA_ROOTS, comma-separated absolute paths; default
 * {@code /usr/share/datasets}, where Debian's dataset packages install and the cluster mounts its datasets
 * volume). Checked at start-up: a value that is not an absolute path stops the service naming the setting.
 */
@Startup
@ApplicationScoped
public class DataRootsSetting {
    static final String SETTING = "DENOISE_DATA_ROOTS (denoise.data.roots)";

    @ConfigProperty(name = "denoise.data.roots", defaultValue = "/usr/share/datasets")
    List<String> roots;

    private DataRoots parsed;

    @PostConstruct
    void parse() {
        try {
            parsed = DataRoots.of(roots, SETTING);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    public DataRoots roots() {
        return parsed;
    }
}
