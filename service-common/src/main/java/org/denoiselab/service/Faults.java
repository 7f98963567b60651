package org.denoiselab.service;

import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Fault injection for the fault tests (e2e's ReliabilityEndToEndTest), off unless {@code denoise.fault.arm-dir}
 * names a folder. A test arms a fault by creating {@code <arm-dir>/halt-before-publish.<topic>}: the first
 * instance about to publish an event on that topic deletes the file and halts its JVM at once (no shutdown
 * hooks, as a SIGKILL between storing an artifact and publishing its event). Every other instance, and the
 * restarted one, carries on.
 */
@ApplicationScoped
public class Faults {
    private static final Logger LOG = Logger.getLogger(Faults.class);

    @ConfigProperty(name = "denoise.fault.arm-dir")
    Optional<String> armDir;

    /** halts the JVM when a fault is armed for {@code topic} (and disarms it) */
    public void beforePublish(String topic) {
        if (armDir.isEmpty()) {
            return;
        }
        Path armed = Path.of(armDir.get(), "halt-before-publish." + topic);
        try {
            Files.delete(armed); // atomic: one instance wins
        } catch (IOException notArmed) {
            return;
        }
        LOG.errorf("fault injection: halting before publishing to %s", topic);
        Runtime.getRuntime().halt(137);
    }
}
