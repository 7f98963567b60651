package org.denoiselab.pipeline.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.CreateTopicsResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.internals.KafkaFutureImpl;
import org.junit.jupiter.api.Test;

/** The topic table, and ensureTopics against an in-memory Admin (the real broker test comes with the services). */
class TopicsTest {

    @Test
    void everyPipelineTopicIsDefinedOnce() {
        List<String> names = Topics.ALL.stream().map(Topics.TopicSpec::name).toList();
        assertEquals(
                List.of("experiments", "runs", "run-status", "checkpoints", "samples", "evaluations", "dead-letter"),
                names);
        assertEquals("compact", Topics.spec(Topics.RUN_STATUS).configs().get("cleanup.policy"));
        assertTrue(Topics.ALL.stream()
                .filter(t -> !t.name().equals(Topics.RUN_STATUS))
                .allMatch(t -> t.configs().get("cleanup.policy").equals("delete")
                        && t.configs().containsKey("retention.ms")));
        assertEquals("-1", Topics.spec(Topics.EVALUATIONS).configs().get("retention.ms"));
        assertTrue(Topics.ALL.stream().allMatch(t -> t.partitions() >= 1));
        NewTopic runs = Topics.spec(Topics.RUNS).newTopic();
        assertEquals(6, runs.numPartitions());
        assertEquals(-1, runs.replicationFactor(), "left to the broker default");
    }

    /** An Admin that knows a set of topics and creates the others, like a broker would. */
    private static Admin fakeAdmin(Set<String> existing, Set<String> refused) {
        return (Admin) Proxy.newProxyInstance(
                Admin.class.getClassLoader(), new Class<?>[] {Admin.class}, (proxy, method, args) -> {
                    if (!method.getName().equals("createTopics")) {
                        throw new UnsupportedOperationException(method.getName());
                    }
                    @SuppressWarnings("unchecked")
                    Collection<NewTopic> topics = (Collection<NewTopic>) args[0];
                    Map<String, KafkaFuture<CreateTopicsResult.TopicMetadataAndConfig>> futures = new HashMap<>();
                    for (NewTopic t : topics) {
                        KafkaFutureImpl<CreateTopicsResult.TopicMetadataAndConfig> f = new KafkaFutureImpl<>();
                        if (refused.contains(t.name())) {
                            f.completeExceptionally(new TopicAuthorizationException("not allowed"));
                        } else if (!existing.add(t.name())) {
                            f.completeExceptionally(
                                    new TopicExistsException("Topic '" + t.name() + "' already exists."));
                        } else {
                            f.complete(null);
                        }
                        futures.put(t.name(), f);
                    }
                    return new CreateTopicsResult(futures) {};
                });
    }

    @Test
    void ensureTopicsCreatesOnlyWhatIsMissingAndIsIdempotent() {
        Set<String> broker = new HashSet<>(Set.of(Topics.EXPERIMENTS, Topics.DEAD_LETTER));
        Admin admin = fakeAdmin(broker, Set.of());
        assertEquals(
                List.of("runs", "run-status", "checkpoints", "samples", "evaluations"), Topics.ensureTopics(admin));
        assertEquals(7, broker.size());
        assertEquals(List.of(), Topics.ensureTopics(admin));
    }

    @Test
    void aRealFailureNamesTheTopic() {
        IllegalStateException e = assertThrows(
                IllegalStateException.class,
                () -> Topics.ensureTopics(fakeAdmin(new HashSet<>(), Set.of(Topics.SAMPLES))));
        assertTrue(e.getMessage().contains("'samples'"), e.getMessage());
    }
}
