package org.denoiselab.service;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.List;
import java.util.Optional;

/**
 * Who may use the services' HTTP API, from {@code denoise.auth.*}. State-changing requests (POST /experiments)
 * need {@code Authorization: Bearer <token>} with one of {@link #tokens()}; reads (GET /runs, the results
 * pages and /objects) need it too when {@link #protectReads()}. Health and metrics (/q/*) stay open for the
 * probes and Prometheus. Checked at start-up by {@link ApiAuth}.
 */
@ConfigMapping(prefix = "denoise.auth")
public interface ApiAuthConfig {
    /**
     * false turns authentication off: every request is let through. For a machine nobody else reaches only;
     * the local runtime keeps it on and gives its services a fresh token instead (DENOISE_AUTH_ENABLED)
     */
    @WithDefault("true")
    boolean enabled();

    /**
     * the accepted bearer tokens, comma-separated (two during a rotation), each at least 32 characters, e.g.
     * {@code openssl rand -hex 32}; on a cluster from the Secret denoise-lab-api-token (DENOISE_AUTH_TOKENS)
     */
    Optional<List<String>> tokens();

    /** true: GET requests need a token too, except /q/* (DENOISE_AUTH_PROTECT_READS) */
    @WithDefault("false")
    boolean protectReads();
}
