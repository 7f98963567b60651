package org.denoiselab.service;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/**
 * The object store (S3 API: MinIO, S3Proxy, AWS), from {@code s3.*} (environment: S3_ENDPOINT,
 * S3_ACCESS_KEY, S3_SECRET_KEY, S3_BUCKET). Checked at start-up like {@link KafkaConfig}.
 */
@ConfigMapping(prefix = "s3")
public interface S3Config {
    @Pattern(regexp = "https?://[^\\s/]+(:\\d{1,5})?/?", message = "expected http(s)://host[:port] (S3_ENDPOINT)")
    String endpoint();

    @Size(min = 3, message = "expected at least 3 characters (S3_ACCESS_KEY)")
    String accessKey();

    @Size(min = 8, message = "expected at least 8 characters (S3_SECRET_KEY)")
    String secretKey();

    /** S3 bucket naming rules: 3-63 lower-case letters, digits, '.' and '-' */
    @WithDefault("denoise-lab")
    @NotBlank
    @Pattern(
            regexp = "[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]",
            message = "expected 3-63 lower-case letters, digits, '.' or '-' (S3_BUCKET)")
    String bucket();
}
