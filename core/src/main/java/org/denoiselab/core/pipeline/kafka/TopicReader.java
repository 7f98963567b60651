package org.denoiselab.core.pipeline.kafka;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a whole topic from its beginning and keeps following it, for an in-memory view (latest run
 * status, every evaluation). No group: every replica builds the full view and a restart rebuilds it,
 * so nothing is committed. A record the view cannot use is logged, counted and skipped.
 */
public final class TopicReader implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TopicReader.class);

    private final String topic;
    private final Map<String, Object> config;
    private final Consumer<ConsumerRecord<String, byte[]>> sink;
    private final Counter read;
    private final Counter skipped;
    private volatile boolean running;
    private volatile boolean crashed;
    private volatile KafkaConsumer<String, byte[]> consumer;
    private Thread thread;

    /** @param config from {@link KafkaClients#reader} */
    public TopicReader(String topic, Map<String, Object> config, Consumer<ConsumerRecord<String, byte[]>> sink, MeterRegistry registry) {
        this.topic = topic;
        this.config = Map.copyOf(config);
        this.sink = sink;
        this.read = Counter.builder("pipeline.view.records").tag("topic", topic).description("records applied to the view").register(registry);
        this.skipped = Counter.builder("pipeline.view.skipped").tag("topic", topic).description("records the view could not use").register(registry);
    }

    public synchronized void start() {
        running = true;
        thread = new Thread(this::run, "read-" + topic);
        thread.setDaemon(true);
        thread.start();
    }

    public boolean healthy() {
        return !crashed;
    }

    private void run() {
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(config)) {
            consumer = c;
            List<PartitionInfo> infos = c.partitionsFor(topic, Duration.ofSeconds(60));
            if (infos == null || infos.isEmpty()) {
                throw new IllegalStateException("topic '" + topic + "' does not exist");
            }
            List<TopicPartition> partitions = infos.stream().map(i -> new TopicPartition(topic, i.partition())).toList();
            c.assign(partitions);
            c.seekToBeginning(partitions);
            while (running) {
                for (ConsumerRecord<String, byte[]> record : c.poll(Duration.ofMillis(500))) {
                    try {
                        sink.accept(record);
                        read.increment();
                    } catch (RuntimeException e) {
                        skipped.increment();
                        LOG.warn("{}-{}@{} (key {}) skipped by the view: {}", record.topic(), record.partition(), record.offset(),
                                record.key(), e.getMessage());
                    }
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            crashed = true;
            LOG.error("reader of '{}' stopped: {}", topic, e.toString(), e);
        } finally {
            consumer = null;
        }
    }

    @Override
    public void close() {
        Thread t;
        synchronized (this) {
            running = false;
            t = thread;
        }
        KafkaConsumer<String, byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        if (t != null) {
            try {
                t.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
