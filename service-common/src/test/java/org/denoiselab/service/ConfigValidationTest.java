package org.denoiselab.service;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.smallrye.config.validator.BeanValidationConfigValidator;
import jakarta.validation.Validation;
import jakarta.validation.Validator;
import java.util.HashMap;
import java.util.Map;
import org.hibernate.validator.messageinterpolation.ParameterMessageInterpolator;
import org.junit.jupiter.api.Test;

/** The settings check that stops a service at start-up: a missing or wrong value is named. */
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
