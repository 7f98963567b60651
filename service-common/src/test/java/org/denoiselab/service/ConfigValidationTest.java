package org.denoiselab.service;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.smallrye.config.validator.BeanValidationConfigValidator;
import jakarta.validation.Validation;
import jakarta.validation.Validator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.denoiselab.pipeline.kafka.KafkaClients;
import org.hibernate.validator.messageinterpolation.ParameterMessageInterpolator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The settings check that stops a service at start-up: a missing or wrong value is named, and the Kafka
 * security settings reach every client.
 */
class ConfigValidationTest {
    private static final Map<String, String> GOOD = Map.of(
            "kafka.bootstrap-servers", "localhost:9092",
            "s3.endpoint", "http://localhost:9000",
            "s3.access-key", "denoiselab",
            "s3.secret-key", "denoiselab-secret");

    /** Builds the two mappings from {@code values} the way Quarkus does at start-up. */
    private static SmallRyeConfig load(Map<String, String> values) {
        Validator validator = Validation.byDefaultProvider()
                .configure()
                .messageInterpolator(new ParameterMessageInterpolator())
                .buildValidatorFactory()
                .getValidator();
        return new SmallRyeConfigBuilder()
                .withSources(new PropertiesConfigSource(values, "test", 500))
                .withMapping(KafkaConfig.class)
                .withMapping(S3Config.class)
                .withValidator((BeanValidationConfigValidator) () -> validator)
                .build();
    }

    private static String failure(Map<String, String> values) {
        return assertThrows(RuntimeException.class, () -> load(values)).getMessage();
    }

    private static Map<String, String> without(String name) {
        Map<String, String> m = new HashMap<>(GOOD);
        m.remove(name);
        return m;
    }

    private static Map<String, String> with(String name, String value) {
        Map<String, String> m = new HashMap<>(GOOD);
        m.put(name, value);
        return m;
    }

    @Test
    void goodSettingsLoadWithTheDefaultBucket() {
        SmallRyeConfig config = assertDoesNotThrow(() -> load(GOOD));
        assertEquals("denoise-lab", config.getConfigMapping(S3Config.class).bucket());
        assertEquals(
                "localhost:9092", config.getConfigMapping(KafkaConfig.class).bootstrapServers());
    }

    @Test
    void eachMissingSettingIsNamed() {
        for (String name : GOOD.keySet()) {
            String message = failure(without(name));
            assertTrue(message.contains(name), "missing " + name + " -> " + message);
        }
    }

    private static KafkaClients.Connection kafka(Map<String, String> extra) {
        Map<String, String> m = new HashMap<>(GOOD);
        m.putAll(extra);
        return KafkaSecurity.connection(load(m).getConfigMapping(KafkaConfig.class));
    }

    private static String kafkaFailure(Map<String, String> extra) {
        return assertThrows(IllegalStateException.class, () -> kafka(extra)).getMessage();
    }

    @Test
    void withoutSecuritySettingsTheClientsGetNoneOfThem() {
        KafkaClients.Connection c = kafka(Map.of());
        assertEquals("localhost:9092", c.bootstrapServers());
        assertEquals(Map.of(), c.security());
        Map<String, Object> producer = KafkaClients.producer(c, "p");
        assertFalse(producer.containsKey("security.protocol"), producer.toString());
    }

    @Test
    void clusterSecuritySettingsReachEveryClientAndThePasswordIsNeverDescribed(@TempDir Path dir) throws Exception {
        Path ca = Files.writeString(dir.resolve("ca.crt"), "-----BEGIN CERTIFICATE-----\n");
        String jaas = "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"trainer\""
                + " password=\"s3cret-pw\";";
        KafkaClients.Connection c = kafka(Map.of(
                "kafka.security-protocol", "SASL_SSL",
                "kafka.sasl-mechanism", "SCRAM-SHA-512",
                "kafka.sasl-jaas-config", jaas,
                "kafka.ssl-truststore-type", "PEM",
                "kafka.ssl-truststore-location", ca.toString()));
        Map<String, Object> expected = Map.of(
                "security.protocol", "SASL_SSL",
                "sasl.mechanism", "SCRAM-SHA-512",
                "sasl.jaas.config", jaas,
                "ssl.truststore.type", "PEM",
                "ssl.truststore.location", ca.toString());
        assertEquals(expected, c.security());
        for (Map<String, Object> client : List.of(
                KafkaClients.producer(c, "p"),
                KafkaClients.groupConsumer(c, "g", "g-1"),
                KafkaClients.reader(c, "r"),
                KafkaClients.adminConfig(c, "a"))) {
            assertTrue(
                    client.entrySet().containsAll(expected.entrySet()),
                    client.keySet().toString());
        }
        assertEquals("SASL_SSL, SCRAM-SHA-512", c.describe());
        assertFalse(c.toString().contains("s3cret-pw"), c.toString());
    }

    @Test
    void wrongSecuritySettingsAreRefusedNamingTheEnvironmentVariable(@TempDir Path dir) {
        String jaas = "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"u\" password=\"p\";";
        String protocol = kafkaFailure(Map.of("kafka.security-protocol", "SASL_TLS"));
        assertTrue(protocol.startsWith("KAFKA_SECURITY_PROTOCOL") && protocol.contains("SASL_SSL"), protocol);
        String noJaas =
                kafkaFailure(Map.of("kafka.security-protocol", "SASL_SSL", "kafka.sasl-mechanism", "SCRAM-SHA-512"));
        assertTrue(noJaas.startsWith("KAFKA_SASL_JAAS_CONFIG") && noJaas.contains("required"), noJaas);
        String noMechanism =
                kafkaFailure(Map.of("kafka.security-protocol", "SASL_PLAINTEXT", "kafka.sasl-jaas-config", jaas));
        assertTrue(noMechanism.startsWith("KAFKA_SASL_MECHANISM"), noMechanism);
        String saslWithoutProtocol = kafkaFailure(Map.of("kafka.sasl-jaas-config", jaas));
        assertTrue(
                saslWithoutProtocol.startsWith("KAFKA_SASL_JAAS_CONFIG") && saslWithoutProtocol.contains("PLAINTEXT"),
                saslWithoutProtocol);
        String noFile = kafkaFailure(Map.of(
                "kafka.security-protocol",
                "SSL",
                "kafka.ssl-truststore-location",
                dir.resolve("missing.crt").toString()));
        assertTrue(noFile.startsWith("KAFKA_SSL_TRUSTSTORE_LOCATION") && noFile.contains("missing.crt"), noFile);
        String type = kafkaFailure(Map.of("kafka.security-protocol", "SSL", "kafka.ssl-truststore-type", "P12"));
        assertTrue(type.startsWith("KAFKA_SSL_TRUSTSTORE_TYPE"), type);
        String trustWithoutTls = kafkaFailure(Map.of(
                "kafka.security-protocol", "SASL_PLAINTEXT",
                "kafka.sasl-mechanism", "SCRAM-SHA-512",
                "kafka.sasl-jaas-config", jaas,
                "kafka.ssl-truststore-type", "PEM"));
        assertTrue(
                trustWithoutTls.startsWith("KAFKA_SSL_TRUSTSTORE_TYPE") && trustWithoutTls.contains("SSL"),
                trustWithoutTls);
        // no message carries the password
        for (String m : List.of(protocol, noJaas, noMechanism, saslWithoutProtocol, noFile, type, trustWithoutTls)) {
            assertFalse(m.contains("password=\"p\""), m);
        }
    }

    @Test
    void wrongValuesAreNamedWithWhatWasExpected() {
        String kafka = failure(with("kafka.bootstrap-servers", "localhost"));
        assertTrue(kafka.contains("kafka.bootstrap-servers") && kafka.contains("host:port"), kafka);
        String endpoint = failure(with("s3.endpoint", "localhost:9000"));
        assertTrue(endpoint.contains("s3.endpoint") && endpoint.contains("S3_ENDPOINT"), endpoint);
        String bucket = failure(with("s3.bucket", "Bad_Bucket"));
        assertTrue(bucket.contains("s3.bucket") && bucket.contains("S3_BUCKET"), bucket);
        String secret = failure(with("s3.secret-key", "short"));
        assertTrue(secret.contains("s3.secret-key"), secret);
    }
}
