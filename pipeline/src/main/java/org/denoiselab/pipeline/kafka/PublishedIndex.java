package org.denoiselab.pipeline.kafka;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.denoiselab.pipeline.events.CheckpointEvent;
import org.denoiselab.pipeline.events.EvaluationEvent;
import org.denoiselab.pipeline.events.SamplesEvent;

/**
 * Which events a topic already holds, by event id (run id and epoch, and the extractor for evaluations), so
 * that an event is published once although its work may be done twice: a record redelivered after a broker
 * restart or a rebalance, a service killed between storing an artifact and publishing its event, a run resumed
 * from its last checkpoint. The jobs are idempotent (they find their artifacts in the store and rebuild the
 * event); this says whether that event still needs publishing.
 *
 * <p>Reads the whole topic from its beginning and follows it ({@link TopicReader}). {@link #contains} first waits
 * until everything on the topic when it was called has been read, so an event published by a previous owner of
 * the partition (or a previous life of this service) is seen. Publishers of one id are serialised by the
 * consumer group (one owner per partition), so check-then-publish does not race with itself.
 */
public final class PublishedIndex implements AutoCloseable {
    private final String topic;
    private final Admin admin;
    private final TopicReader reader;
    private final Set<String> ids = ConcurrentHashMap.newKeySet();
    /** next offset to read, per partition: what the reader has applied */
    private final Map<Integer, Long> next = new ConcurrentHashMap<>();

    /**
     * @param idOf the id of a record's event (null to ignore the record)
     */
    public PublishedIndex(
            String topic,
            Map<String, Object> readerConfig,
            Admin admin,
            Function<ConsumerRecord<String, byte[]>, String> idOf,
            MeterRegistry registry) {
        this.topic = topic;
        this.admin = admin;
        this.reader = new TopicReader(
                topic,
                readerConfig,
                r -> {
                    try {
                        String id = r.value() == null ? null : idOf.apply(r);
                        if (id != null) {
                            ids.add(id);
                        }
                    } finally {
                        next.merge(r.partition(), r.offset() + 1, Math::max);
                    }
                },
                registry);
    }

    /** the reader, for {@code Pipeline.start(TopicReader)} (health and shutdown) */
    public TopicReader reader() {
        return reader;
    }

    /**
     * True when an event with this id is on the topic.
     *
     * @param catchUp how long to wait for the reader to reach the topic's end as of now
     * @throws IllegalStateException when it cannot tell within {@code catchUp} (the caller should not publish
     *     blindly: the record is retried by its consumer)
     */
    public boolean contains(String id, Duration catchUp) {
        if (ids.contains(id)) {
            return true;
        }
        long deadline = System.nanoTime() + catchUp.toNanos();
        Map<Integer, Long> ends = endOffsets(catchUp);
        while (!caughtUp(ends)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(
                        "cannot tell whether '" + topic + "' holds " + id + ": its reader did not" + " catch up within "
                                + catchUp + " (read " + next + ", end " + ends + ")");
            }
            if (ids.contains(id)) {
                return true;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while reading '" + topic + "'", e);
            }
        }
        return ids.contains(id);
    }

    /** remembers an id just published, so a second publish within this life is skipped without waiting */
    public void add(String id) {
        ids.add(id);
    }

    private boolean caughtUp(Map<Integer, Long> ends) {
        for (Map.Entry<Integer, Long> e : ends.entrySet()) {
            if (e.getValue() > 0 && next.getOrDefault(e.getKey(), 0L) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    private Map<Integer, Long> endOffsets(Duration timeout) {
        try {
            List<Integer> partitions = admin
                    .describeTopics(List.of(topic))
                    .allTopicNames()
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS)
                    .get(topic)
                    .partitions()
                    .stream()
                    .map(p -> p.partition())
                    .toList();
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            partitions.forEach(p -> latest.put(new TopicPartition(topic, p), OffsetSpec.latest()));
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> got =
                    admin.listOffsets(latest).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            Map<Integer, Long> out = new HashMap<>();
            got.forEach((tp, info) -> out.put(tp.partition(), info.offset()));
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while asking for the end of '" + topic + "'", e);
        } catch (Exception e) {
            throw new IllegalStateException("cannot read the end offsets of '" + topic + "': " + e, e);
        }
    }

    @Override
    public void close() {
        reader.close();
    }

    /** the id of a checkpoint event: run id and epoch */
    public static String checkpointId(CheckpointEvent e) {
        return e.runId() + "@" + e.epoch();
    }

    /** the id of a samples event: run id and epoch */
    public static String samplesId(SamplesEvent e) {
        return e.runId() + "@" + e.epoch();
    }

    /** the id of an evaluation: run id, epoch and extractor */
    public static String evaluationId(EvaluationEvent e) {
        return e.runId() + "@" + e.epoch() + "/" + e.extractor();
    }
}
