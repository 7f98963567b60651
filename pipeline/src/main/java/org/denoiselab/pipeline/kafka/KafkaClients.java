package org.denoiselab.pipeline.kafka;

import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The client settings every service uses: the one place they are chosen. Keys are strings (run or
 * experiment ids), values are the JSON bytes exactly as sent, so a dead letter can keep them. Every
 * client (admin, producer, group consumer, group-less reader) is built from a {@link Connection}, so
 * the security settings of a cluster reach all four alike.
 */
public final class KafkaClients {
    private KafkaClients() {}

    /**
     * How to reach the brokers.
     *
     * @param bootstrapServers host:port[,host:port...]
     * @param security         client settings for authentication and encryption ({@code security.protocol},
     *                         {@code sasl.mechanism}, {@code sasl.jaas.config}, {@code ssl.truststore.*}),
     *                         copied into every client's configuration as given; empty for PLAINTEXT (the
     *                         local runtime and the tests)
     */
    public record Connection(String bootstrapServers, Map<String, Object> security) {
        public Connection {
            if (bootstrapServers == null || bootstrapServers.isBlank()) {
                throw new IllegalArgumentException("kafka connection: bootstrap servers are required");
            }
            security = Map.copyOf(security);
        }

        /** no authentication, no TLS: the local runtime's broker */
        public static Connection plaintext(String bootstrapServers) {
            return new Connection(bootstrapServers, Map.of());
        }

        /** "SASL_SSL, SCRAM-SHA-512" or "PLAINTEXT": what may be logged (never the JAAS line, it holds a password) */
        public String describe() {
            Object protocol = security.getOrDefault(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "PLAINTEXT");
            Object mechanism = security.get(SaslConfigs.SASL_MECHANISM);
            return mechanism == null ? String.valueOf(protocol) : protocol + ", " + mechanism;
        }

        @Override
        public String toString() {
            return bootstrapServers + " (" + describe() + ")";
        }
    }

    /**
     * A group member that commits by hand after a record's work is done (at-least-once), takes one
     * record per poll (work is slow, records are few) and starts from the beginning of a new group.
     * The cooperative assignor revokes only the partitions that move, so a replica joining does not
     * interrupt the runs the others are training.
     */
    public static Map<String, Object> groupConsumer(String bootstrapServers, String groupId, String clientId) {
        return groupConsumer(Connection.plaintext(bootstrapServers), groupId, clientId);
    }

    /** As {@link #groupConsumer(String, String, String)}, with the connection's security settings. */
    public static Map<String, Object> groupConsumer(Connection connection, String groupId, String clientId) {
        Map<String, Object> p = common(connection, clientId);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1);
        p.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return p;
    }

    /** A reader without a group (views rebuilt from the whole topic on every start): nothing is committed. */
    public static Map<String, Object> reader(String bootstrapServers, String clientId) {
        return reader(Connection.plaintext(bootstrapServers), clientId);
    }

    /** As {@link #reader(String, String)}, with the connection's security settings. */
    public static Map<String, Object> reader(Connection connection, String clientId) {
        Map<String, Object> p = common(connection, clientId);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return p;
    }

    /** acks=all with idempotence: a retried send is written once, in order, on every in-sync replica. */
    public static Map<String, Object> producer(String bootstrapServers, String clientId) {
        return producer(Connection.plaintext(bootstrapServers), clientId);
    }

    /** As {@link #producer(String, String)}, with the connection's security settings. */
    public static Map<String, Object> producer(Connection connection, String clientId) {
        Map<String, Object> p = common(connection, clientId);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 30_000);
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 60_000);
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 20_000);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return p;
    }

    public static Admin admin(String bootstrapServers, String clientId) {
        return admin(Connection.plaintext(bootstrapServers), clientId);
    }

    public static Admin admin(Connection connection, String clientId) {
        return Admin.create(adminConfig(connection, clientId));
    }

    /** the admin client's settings (60 s per call, 10 s per request) */
    public static Map<String, Object> adminConfig(Connection connection, String clientId) {
        Map<String, Object> p = common(connection, clientId);
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 60_000);
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        return p;
    }

    private static Map<String, Object> common(Connection connection, String clientId) {
        Map<String, Object> p = new HashMap<>(connection.security());
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, connection.bootstrapServers());
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        return p;
    }
}
