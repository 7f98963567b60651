package org.denoiselab.service;

import io.smallrye.config.ConfigMapping;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import java.util.Optional;

/**
 * The broker, from {@code kafka.*} (environment: KAFKA_BOOTSTRAP_SERVERS and, on a cluster, the KAFKA_SASL_*
 * and KAFKA_SSL_* settings below). Checked at start-up: a missing or malformed value stops the service with a
 * message naming the property; the rules between the security settings are {@link KafkaSecurity}'s. Every
 * security setting is optional: absent, nothing is put into the clients' configuration (PLAINTEXT, as the
 * local runtime and the tests use).
 */
@ConfigMapping(prefix = "kafka")
public interface KafkaConfig {
    @NotBlank
    @Pattern(
            regexp = "[^\\s,:]+:\\d{1,5}(,[^\\s,:]+:\\d{1,5})*",
            message = "expected host:port[,host:port...] (KAFKA_BOOTSTRAP_SERVERS)")
    String bootstrapServers();

    /** Kafka's security.protocol: PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL (KAFKA_SECURITY_PROTOCOL) */
    Optional<String> securityProtocol();

    /** Kafka's sasl.mechanism, e.g. SCRAM-SHA-512; only with a SASL_* protocol (KAFKA_SASL_MECHANISM) */
    Optional<String> saslMechanism();

    /**
     * Kafka's sasl.jaas.config, e.g. the line Strimzi writes into the KafkaUser's Secret: {@code
     * org.apache.kafka.common.security.scram.ScramLoginModule required username="trainer" password="...";}.
     * Holds a password: never logged (KAFKA_SASL_JAAS_CONFIG).
     */
    Optional<String> saslJaasConfig();

    /** Kafka's ssl.truststore.type: PEM, JKS or PKCS12 (KAFKA_SSL_TRUSTSTORE_TYPE) */
    Optional<String> sslTruststoreType();

    /** Kafka's ssl.truststore.location: a readable file, e.g. Strimzi's cluster CA as PEM (KAFKA_SSL_TRUSTSTORE_LOCATION) */
    Optional<String> sslTruststoreLocation();
}
