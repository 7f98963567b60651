package org.denoiselab.service;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.denoiselab.pipeline.kafka.ConsumerLoop;
import org.denoiselab.pipeline.kafka.KafkaClients;
import org.denoiselab.pipeline.kafka.PipelineProducer;
import org.denoiselab.pipeline.kafka.PublishedIndex;
import org.denoiselab.pipeline.kafka.TopicReader;
import org.denoiselab.pipeline.kafka.Topics;
import org.denoiselab.pipeline.store.ObjectStore;
import org.denoiselab.science.util.Engines;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * A service's connections to the pipeline: the object store, the producer, the admin client and the
 * consumers it started. On start it makes sure the topics and the bucket exist (or, where topics are
 * managed outside the services, {@code denoise.kafka.create-topics=false}, that the topics each consumer
 * needs exist); on shutdown it stops the consumers (work in hand is cancelled and left uncommitted) before
 * closing the clients. Every Kafka client gets the security settings of {@link KafkaSecurity}.
 */
@Startup
@ApplicationScoped
public class Pipeline {
    private static final Logger LOG = Logger.getLogger(Pipeline.class);

    @Inject
    KafkaConfig kafka;

    @Inject
    S3Config s3;

    @ConfigProperty(name = "quarkus.application.name")
    String serviceName;

    /**
     * false where the topics are managed outside the services (Strimzi's Topic Operator; the Kafka users
     * hold no Create ACL): nothing is created, and each consumer checks its topics exist before it starts
     * (DENOISE_KAFKA_CREATE_TOPICS)
     */
    @ConfigProperty(name = "denoise.kafka.create-topics", defaultValue = "true")
    boolean createTopics;

    /**
     * true on a GPU trainer: before anything connects, the service checks that PyTorch sees a GPU and stops
     * (non-zero exit) with the reason otherwise; later device choices never fall back to the CPU
     * (DENOISE_REQUIRE_GPU)
     */
    @ConfigProperty(name = "denoise.require-gpu", defaultValue = "false")
    boolean requireGpu;

    /**
     * seconds the work in hand gets to stop when the service shuts down (or loses the record's partition)
     * before it is interrupted; 1..3600 (DENOISE_SHUTDOWN_GRACE_SECONDS). The GPU trainer sets it below its
     * pod's termination grace period, so a checkpoint being stored is finished and published.
     */
    @ConfigProperty(name = "denoise.shutdown-grace-seconds", defaultValue = "60")
    int shutdownGraceSeconds;

    /**
     * How long the broker waits for a group member that stopped heartbeating (a killed pod) before its partitions
     * move to another member; Kafka's default (45 s) when absent. Shorter means faster recovery from a crash, but
     * a pause that long (GC, a stalled node) then cancels the member's work.
     */
    @ConfigProperty(name = "denoise.kafka.session-timeout-ms")
    java.util.Optional<Integer> sessionTimeoutMs;

    private KafkaClients.Connection connection;
    private ObjectStore store;
    private PipelineProducer producer;
    private Admin admin;
    private final List<ConsumerLoop> loops = new ArrayList<>();
    private final List<TopicReader> readers = new ArrayList<>();

    @PostConstruct
    void connect() {
        if (shutdownGraceSeconds < 1 || shutdownGraceSeconds > 3600) {
            throw new IllegalStateException("DENOISE_SHUTDOWN_GRACE_SECONDS (denoise.shutdown-grace-seconds): "
                    + shutdownGraceSeconds + " is out of range, expected 1..3600 seconds");
        }
        if (requireGpu) {
            // before any consumer starts: a trainer without its GPU must not take a run
            Engines.requireGpu();
            LOG.infof("%s: GPU required and present (DENOISE_REQUIRE_GPU=true)", serviceName);
        }
        connection = KafkaSecurity.connection(kafka);
        admin = KafkaClients.admin(connection, serviceName + "-admin");
        String topics;
        if (createTopics) {
            List<String> created = Topics.ensureTopics(admin);
            topics = "topics created: " + (created.isEmpty() ? "none" : String.join(", ", created));
        } else {
            topics = "topics managed externally, not created";
        }
        store = new ObjectStore(s3.endpoint(), s3.accessKey(), s3.secretKey(), s3.bucket());
        store.ensureBucket();
        producer = new PipelineProducer(KafkaClients.producer(connection, serviceName));
        // the connection's description holds protocol and mechanism only, never the JAAS line (a password)
        LOG.infof(
                "%s connected: kafka %s (%s), bucket %s at %s",
                serviceName, connection, topics, s3.bucket(), s3.endpoint());
    }

    public ObjectStore store() {
        return store;
    }

    public PipelineProducer producer() {
        return producer;
    }

    public Admin admin() {
        return admin;
    }

    public String bootstrapServers() {
        return kafka.bootstrapServers();
    }

    /** the bootstrap servers with the security settings, for any further Kafka client of the service */
    public KafkaClients.Connection connection() {
        return connection;
    }

    public String serviceName() {
        return serviceName;
    }

    /** The consumer loops' options: the defaults with the configured shutdown grace. */
    public ConsumerLoop.Options loopOptions() {
        return ConsumerLoop.Options.defaults().withCancelGrace(Duration.ofSeconds(shutdownGraceSeconds));
    }

    /** Consumer settings for a group member of this service. */
    public Map<String, Object> groupConsumer(String groupId) {
        Map<String, Object> config = KafkaClients.groupConsumer(connection, groupId, serviceName + "-" + groupId);
        sessionTimeoutMs.ifPresent(ms -> config.put("session.timeout.ms", ms));
        return config;
    }

    /** Settings for a group-less reader of a whole topic. */
    public Map<String, Object> reader(String topic) {
        return KafkaClients.reader(connection, serviceName + "-view-" + topic);
    }

    /**
     * Starts a group consumer. Where topics are managed externally, first checks that its topic and the
     * dead-letter topic exist.
     *
     * @throws IllegalStateException naming the missing topics (the service then does not start)
     */
    public synchronized ConsumerLoop start(ConsumerLoop loop) {
        if (!createTopics) {
            Topics.requireExisting(admin, List.of(loop.topic(), Topics.DEAD_LETTER));
        }
        loops.add(loop);
        loop.start();
        LOG.infof("consuming '%s' as group %s", loop.topic(), loop.groupId());
        return loop;
    }

    /**
     * Starts an index of the events on {@code topic} (see {@link PublishedIndex}), stopped with the service.
     *
     * @param idOf the event id of a record
     */
    public PublishedIndex published(
            String topic,
            java.util.function.Function<org.apache.kafka.clients.consumer.ConsumerRecord<String, byte[]>, String>
                    idOf) {
        PublishedIndex index = new PublishedIndex(
                topic,
                KafkaClients.reader(connection, serviceName + "-published-" + topic),
                admin,
                idOf,
                new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
        start(index.reader());
        return index;
    }

    /**
     * Starts a group-less reader. Where topics are managed externally, first checks that its topic exists.
     *
     * @throws IllegalStateException naming the missing topic (the service then does not start)
     */
    public synchronized TopicReader start(TopicReader reader) {
        if (!createTopics) {
            Topics.requireExisting(admin, List.of(reader.topic()));
        }
        readers.add(reader);
        reader.start();
        return reader;
    }

    /** Names of consumers that died (empty when all are running). */
    public synchronized List<String> deadConsumers() {
        List<String> dead = new ArrayList<>();
        loops.stream().filter(l -> !l.healthy()).forEach(l -> dead.add(l.topic() + "/" + l.groupId()));
        readers.stream().filter(r -> !r.healthy()).forEach(r -> dead.add("reader of " + r.topic()));
        return dead;
    }

    void stop(@Observes ShutdownEvent event) {
        List<AutoCloseable> all;
        synchronized (this) {
            all = new ArrayList<>(loops);
            all.addAll(readers);
            loops.clear();
            readers.clear();
        }
        for (AutoCloseable c : all) {
            try {
                c.close();
            } catch (Exception e) {
                LOG.warnf("stopping a consumer: %s", e.toString());
            }
        }
        if (producer != null) producer.close();
        if (admin != null) admin.close();
        if (store != null) store.close();
    }
}
