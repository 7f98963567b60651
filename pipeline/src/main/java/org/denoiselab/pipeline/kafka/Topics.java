package org.denoiselab.pipeline.kafka;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * The pipeline's topics, their partitions and retention: the one place they are defined. Replication
 * is left to the broker's default.replication.factor (1 on the local runtime, 3 on a cluster).
 */
public final class Topics {
    private Topics() {}

    public static final String EXPERIMENTS = "experiments";
    public static final String RUNS = "runs";
    public static final String RUN_STATUS = "run-status";
    public static final String CHECKPOINTS = "checkpoints";
    public static final String SAMPLES = "samples";
    public static final String EVALUATIONS = "evaluations";
    public static final String DEAD_LETTER = "dead-letter";

    /**
     * The experiments topic's max.message.bytes: the request limit ({@link
     * org.denoiselab.experiment.Experiments#MAX_REQUEST_BYTES}) plus 4 KiB for the key and the record batch's
     * framing, so a producer's larger request is refused at once (RecordTooLargeException) instead of reaching the
     * intake.
     */
    public static final int EXPERIMENTS_MAX_MESSAGE_BYTES =
            org.denoiselab.experiment.Experiments.MAX_REQUEST_BYTES + 4096;

    private static final String DAY_MS = String.valueOf(TimeUnit.DAYS.toMillis(1));
    private static final String WEEK_MS = String.valueOf(TimeUnit.DAYS.toMillis(7));
    private static final String MONTH_MS = String.valueOf(TimeUnit.DAYS.toMillis(30));
    private static final String FOREVER = "-1";

    /** @param configs topic-level settings (cleanup.policy, retention.ms, ...) */
    public record TopicSpec(String name, int partitions, Map<String, String> configs) {
        public NewTopic newTopic() {
            return new NewTopic(name, Optional.of(partitions), Optional.empty()).configs(configs);
        }
    }

    public static final List<TopicSpec> ALL = List.of(
            // requests are rare; one partition keeps them in submission order
            new TopicSpec(
                    EXPERIMENTS,
                    1,
                    Map.of(
                            TopicConfig.CLEANUP_POLICY_CONFIG,
                            TopicConfig.CLEANUP_POLICY_DELETE,
                            TopicConfig.RETENTION_MS_CONFIG,
                            WEEK_MS,
                            TopicConfig.MAX_MESSAGE_BYTES_CONFIG,
                            String.valueOf(EXPERIMENTS_MAX_MESSAGE_BYTES))),
            // partitions bound how many trainer replicas can train at once
            new TopicSpec(RUNS, 6, delete(MONTH_MS)),
            // latest status per run id: compacted, never expired by time
            new TopicSpec(
                    RUN_STATUS,
                    3,
                    Map.of(
                            TopicConfig.CLEANUP_POLICY_CONFIG,
                            TopicConfig.CLEANUP_POLICY_COMPACT,
                            TopicConfig.MIN_CLEANABLE_DIRTY_RATIO_CONFIG,
                            "0.1",
                            TopicConfig.SEGMENT_MS_CONFIG,
                            DAY_MS)),
            new TopicSpec(CHECKPOINTS, 3, delete(MONTH_MS)),
            new TopicSpec(SAMPLES, 3, delete(MONTH_MS)),
            // results must stay queryable: the eval service can rebuild them from here
            new TopicSpec(EVALUATIONS, 3, delete(FOREVER)),
            new TopicSpec(DEAD_LETTER, 1, delete(MONTH_MS)));

    public static TopicSpec spec(String name) {
        return ALL.stream()
                .filter(t -> t.name().equals(name))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown topic '" + name + "'"));
    }

    /**
     * Creates every topic that does not exist yet and returns the names it created. Idempotent and
     * safe when several services start at once: a topic someone else created meanwhile counts as
     * present. Existing topics are not reconfigured.
     */
    public static List<String> ensureTopics(Admin admin) {
        Map<String, KafkaFuture<Void>> results = admin.createTopics(
                        ALL.stream().map(TopicSpec::newTopic).toList())
                .values();
        List<String> created = new ArrayList<>();
        for (TopicSpec t : ALL) {
            try {
                results.get(t.name()).get(60, TimeUnit.SECONDS);
                created.add(t.name());
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw new IllegalStateException(
                            "cannot create topic '" + t.name() + "': "
                                    + e.getCause().getMessage(),
                            e.getCause());
                }
            } catch (TimeoutException e) {
                throw new IllegalStateException(
                        "creating topic '" + t.name() + "' timed out after 60 s: is the broker up?", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while creating topic '" + t.name() + "'", e);
            }
        }
        return created;
    }

    /**
     * For a cluster whose topics someone else manages (Strimzi's Topic Operator): checks that every named
     * topic exists and this client may describe it, without creating anything.
     *
     * @param names topics this service reads or writes
     * @throws IllegalStateException naming every topic that is missing or hidden from this Kafka user (no
     *                               Describe ACL), or when the broker does not answer within 60 s
     */
    public static void requireExisting(Admin admin, Collection<String> names) {
        Map<String, KafkaFuture<TopicDescription>> results =
                admin.describeTopics(new TreeSet<>(names)).topicNameValues();
        List<String> missing = new ArrayList<>();
        for (Map.Entry<String, KafkaFuture<TopicDescription>> e : new TreeMap<>(results).entrySet()) {
            try {
                e.getValue().get(60, TimeUnit.SECONDS);
            } catch (ExecutionException ex) {
                if (ex.getCause() instanceof UnknownTopicOrPartitionException
                        || ex.getCause() instanceof TopicAuthorizationException) {
                    missing.add(e.getKey());
                } else {
                    throw new IllegalStateException(
                            "cannot describe topic '" + e.getKey() + "': "
                                    + ex.getCause().getMessage(),
                            ex.getCause());
                }
            } catch (TimeoutException ex) {
                throw new IllegalStateException(
                        "describing topic '" + e.getKey() + "' timed out after 60 s: is the broker up?", ex);
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while describing topic '" + e.getKey() + "'", ex);
            }
        }
        if (!missing.isEmpty()) {
            throw new IllegalStateException("topics managed outside the services (DENOISE_KAFKA_CREATE_TOPICS=false)"
                    + " are missing or not visible to this Kafka user: " + String.join(", ", missing)
                    + "; create them (k8s/base/kafka-topics.yaml) or grant Describe");
        }
    }

    private static Map<String, String> delete(String retentionMs) {
        return Map.of(
                TopicConfig.CLEANUP_POLICY_CONFIG,
                TopicConfig.CLEANUP_POLICY_DELETE,
                TopicConfig.RETENTION_MS_CONFIG,
                retentionMs);
    }
}
