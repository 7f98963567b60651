package org.denoiselab.pipeline.kafka;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a whole topic from its beginning and keeps following it, for an in-memory view (latest run
 * status, every evaluation). No group: every replica builds the full view and a restart rebuilds it,
 * so nothing is committed. A record the view cannot use is logged, counted and skipped.
 */
public final class TopicReader extends ConsumerThread {
    private static final Logger LOG = LoggerFactory.getLogger(TopicReader.class);

    private final String topic;
    private final java.util.function.Consumer<ConsumerRecord<String, byte[]>> sink;
    private final Counter read;
    private final Counter skipped;

    /** @param config from {@link KafkaClients#reader} */
    public TopicReader(
            String topic,
            Map<String, Object> config,
            java.util.function.Consumer<ConsumerRecord<String, byte[]>> sink,
            MeterRegistry registry) {
        super("read-" + topic, () -> new KafkaConsumer<>(Map.copyOf(config)));
        this.topic = topic;
        this.sink = sink;
        this.read = Counter.builder("pipeline.view.records")
                .tag("topic", topic)
                .description("records applied to the view")
                .register(registry);
        this.skipped = Counter.builder("pipeline.view.skipped")
                .tag("topic", topic)
                .description("records the view could not use")
                .register(registry);
    }

    /** the topic this reader follows */
    public String topic() {
        return topic;
    }

    @Override
    protected Duration joinTimeout() {
        return Duration.ofSeconds(10);
    }

    @Override
    protected void loop(Consumer<String, byte[]> c) {
        List<PartitionInfo> infos = c.partitionsFor(topic, Duration.ofSeconds(60));
        if (infos == null || infos.isEmpty()) {
            throw new IllegalStateException("topic '" + topic + "' does not exist");
        }
        List<TopicPartition> partitions = infos.stream()
                .map(i -> new TopicPartition(topic, i.partition()))
                .toList();
        c.assign(partitions);
        c.seekToBeginning(partitions);
        while (running()) {
            for (ConsumerRecord<String, byte[]> record : c.poll(Duration.ofMillis(500))) {
                try {
                    sink.accept(record);
                    read.increment();
                } catch (RuntimeException e) {
                    skipped.increment();
                    LOG.warn(
                            "{}-{}@{} (key {}) skipped by the view: {}",
                            record.topic(),
                            record.partition(),
                            record.offset(),
                            record.key(),
                            e.getMessage());
                }
            }
        }
    }
}
