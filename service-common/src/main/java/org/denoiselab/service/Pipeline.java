package org.denoiselab.service;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
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
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * A service's connections to the pipeline: the object store, the producer, the admin client and the
 * consumers it started. On start it makes sure the topics and the bucket exist; on shutdown it stops
 * the consumers (work in hand is cancelled and left uncommitted) before closing the clients.
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
     * How long the broker waits for a group member that stopped heartbeating (a killed pod) before its partitions
     * move to another member; Kafka's default (45 s) when absent. Shorter means faster recovery from a crash, but
     * a pause that long (GC, a stalled node) then cancels the member's work.
     */
    @ConfigProperty(name = "denoise.kafka.session-timeout-ms")
    java.util.Optional<Integer> sessionTimeoutMs;

    private ObjectStore store;
    private PipelineProducer producer;
    private Admin admin;
    private final List<ConsumerLoop> loops = new ArrayList<>();
    private final List<TopicReader> readers = new ArrayList<>();

    @PostConstruct
    void connect() {
        admin = KafkaClients.admin(kafka.bootstrapServers(), serviceName + "-admin");
        List<String> created = Topics.ensureTopics(admin);
        store = new ObjectStore(s3.endpoint(), s3.accessKey(), s3.secretKey(), s3.bucket());
        store.ensureBucket();
        producer = new PipelineProducer(KafkaClients.producer(kafka.bootstrapServers(), serviceName));
        LOG.infof(
                "%s connected: kafka %s (topics created: %s), bucket %s at %s",
                serviceName,
                kafka.bootstrapServers(),
                created.isEmpty() ? "none" : String.join(", ", created),
                s3.bucket(),
                s3.endpoint());
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

    public String serviceName() {
        return serviceName;
    }

    /** Consumer settings for a group member of this service. */
    public Map<String, Object> groupConsumer(String groupId) {
        Map<String, Object> config =
                KafkaClients.groupConsumer(kafka.bootstrapServers(), groupId, serviceName + "-" + groupId);
        sessionTimeoutMs.ifPresent(ms -> config.put("session.timeout.ms", ms));
        return config;
    }

    /** Settings for a group-less reader of a whole topic. */
    public Map<String, Object> reader(String topic) {
        return KafkaClients.reader(kafka.bootstrapServers(), serviceName + "-view-" + topic);
    }

    public synchronized ConsumerLoop start(ConsumerLoop loop) {
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
                KafkaClients.reader(kafka.bootstrapServers(), serviceName + "-published-" + topic),
                admin,
                idOf,
                new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
        start(index.reader());
        return index;
    }

    public synchronized TopicReader start(TopicReader reader) {
        readers.add(reader);
        reader.start();
        return reader;
    }

    /** Names of consumers that died (empty when all are running). */
    public synchronized List<String> deadConsumers() {
        List<String> dead = new ArrayList<>();
        loops.stream().filter(l -> !l.healthy()).forEach(l -> dead.add(l.topic() + "/" + l.groupId()));
        readers.stream().filter(r -> !r.healthy()).forEach(r -> dead.add("reader"));
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
