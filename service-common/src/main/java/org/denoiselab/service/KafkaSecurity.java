package org.denoiselab.service;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.SslConfigs;
import org.denoiselab.pipeline.kafka.KafkaClients;

/**
 * Turns {@link KafkaConfig} into the connection every Kafka client of a service uses, after checking the
 * rules between its security settings. Absent settings are left out of the clients' configuration
 * entirely (PLAINTEXT).
 */
public final class KafkaSecurity {
    /** Kafka's security protocols */
    static final List<String> PROTOCOLS = List.of("PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL");

    static final List<String> TRUSTSTORE_TYPES = List.of("PEM", "JKS", "PKCS12");

    private KafkaSecurity() {}

    /**
     * @return the bootstrap servers with the security settings as Kafka client keys (security.protocol,
     *     sasl.mechanism, sasl.jaas.config, ssl.truststore.type, ssl.truststore.location)
     * @throws IllegalStateException naming the environment variable (and property) of the first setting that
     *     is wrong: an unknown protocol; a SASL_* protocol without mechanism or JAAS configuration; SASL
     *     settings without a SASL_* protocol; truststore settings without an SSL protocol; a truststore type
     *     other than PEM, JKS or PKCS12; a truststore location that is not a readable file
     */
    public static KafkaClients.Connection connection(KafkaConfig c) {
        Map<String, Object> security = new LinkedHashMap<>();
        String protocol = present(c.securityProtocol())
                .map(p -> p.trim().toUpperCase(Locale.ROOT))
                .orElse(null);
        if (protocol != null) {
            if (!PROTOCOLS.contains(protocol)) {
                throw invalid(
                        "KAFKA_SECURITY_PROTOCOL",
                        "kafka.security-protocol",
                        "'" + c.securityProtocol().get() + "' is not one of " + String.join(", ", PROTOCOLS));
            }
            security.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, protocol);
        }
        boolean sasl = protocol != null && protocol.startsWith("SASL_");
        boolean ssl = protocol != null && protocol.endsWith("SSL");
        Optional<String> mechanism = present(c.saslMechanism());
        Optional<String> jaas = present(c.saslJaasConfig());
        if (sasl) {
            security.put(
                    SaslConfigs.SASL_MECHANISM,
                    mechanism.orElseThrow(() -> invalid(
                            "KAFKA_SASL_MECHANISM",
                            "kafka.sasl-mechanism",
                            "required with KAFKA_SECURITY_PROTOCOL=" + protocol + " (e.g. SCRAM-SHA-512)")));
            security.put(
                    SaslConfigs.SASL_JAAS_CONFIG,
                    jaas.orElseThrow(() -> invalid(
                            "KAFKA_SASL_JAAS_CONFIG",
                            "kafka.sasl-jaas-config",
                            "required with KAFKA_SECURITY_PROTOCOL=" + protocol
                                    + " (the sasl.jaas.config of the service's KafkaUser Secret)")));
        } else if (mechanism.isPresent() || jaas.isPresent()) {
            String env = mechanism.isPresent() ? "KAFKA_SASL_MECHANISM" : "KAFKA_SASL_JAAS_CONFIG";
            String property = mechanism.isPresent() ? "kafka.sasl-mechanism" : "kafka.sasl-jaas-config";
            throw invalid(
                    env,
                    property,
                    "set, but KAFKA_SECURITY_PROTOCOL is " + (protocol == null ? "not set (PLAINTEXT)" : protocol)
                            + ": SASL needs SASL_PLAINTEXT or SASL_SSL");
        }
        Optional<String> type = present(c.sslTruststoreType());
        Optional<String> location = present(c.sslTruststoreLocation());
        if (!ssl && (type.isPresent() || location.isPresent())) {
            String env = type.isPresent() ? "KAFKA_SSL_TRUSTSTORE_TYPE" : "KAFKA_SSL_TRUSTSTORE_LOCATION";
            String property = type.isPresent() ? "kafka.ssl-truststore-type" : "kafka.ssl-truststore-location";
            throw invalid(
                    env,
                    property,
                    "set, but KAFKA_SECURITY_PROTOCOL is " + (protocol == null ? "not set (PLAINTEXT)" : protocol)
                            + ": a truststore needs SSL or SASL_SSL");
        }
        if (type.isPresent()) {
            String t = type.get().trim().toUpperCase(Locale.ROOT);
            if (!TRUSTSTORE_TYPES.contains(t)) {
                throw invalid(
                        "KAFKA_SSL_TRUSTSTORE_TYPE",
                        "kafka.ssl-truststore-type",
                        "'" + type.get() + "' is not one of " + String.join(", ", TRUSTSTORE_TYPES));
            }
            security.put(SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG, t);
        }
        if (location.isPresent()) {
            Path file;
            try {
                file = Path.of(location.get());
            } catch (InvalidPathException e) {
                throw invalid(
                        "KAFKA_SSL_TRUSTSTORE_LOCATION",
                        "kafka.ssl-truststore-location",
                        "'" + location.get() + "' is not a file path");
            }
            if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
                throw invalid(
                        "KAFKA_SSL_TRUSTSTORE_LOCATION",
                        "kafka.ssl-truststore-location",
                        "'" + file + "' is not a readable file (is the CA Secret mounted there?)");
            }
            security.put(SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG, file.toString());
        }
        return new KafkaClients.Connection(c.bootstrapServers(), security);
    }

    private static Optional<String> present(Optional<String> value) {
        return value.filter(v -> !v.isBlank());
    }

    private static IllegalStateException invalid(String env, String property, String reason) {
        return new IllegalStateException(env + " (" + property + "): " + reason);
    }
}
