package org.denoiselab.service;

import io.smallrye.config.ConfigMapping;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;

/**
 * The broker, from {@code kafka.bootstrap-servers} (environment: KAFKA_BOOTSTRAP_SERVERS). Checked at
 * start-up: a missing or malformed value stops the service with a message naming the property.
 */
@ConfigMapping(prefix = "kafka")
public interface KafkaConfig {
    @NotBlank
    @Pattern(
            regexp = "[^\\s,:]+:\\d{1,5}(,[^\\s,:]+:\\d{1,5})*",
            message = "expected host:port[,host:port...] (KAFKA_BOOTSTRAP_SERVERS)")
    String bootstrapServers();
}
