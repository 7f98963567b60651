package org.denoiselab.pipeline.kafka;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.denoiselab.experiment.json.MessageException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consumes one topic as a member of a group and handles one record at a time, at least once.
 *
 * <p>The record's work runs on a worker thread while this loop's own thread keeps polling with every
 * assigned partition paused: the consumer stays in its group however long the work takes (hours of
 * training do not exceed max.poll.interval.ms), and no further record is fetched meanwhile. The offset
 * is committed only after the work is done. A record that cannot be used ({@link MessageException}) goes
 * to the dead-letter topic with its original bytes (bounded, see {@link org.denoiselab.pipeline.events.DeadLetters});
 * any other failure is retried with a growing pause, and after {@link Options#maxAttempts} it is dead-lettered
 * too. Sending the dead letter has the same budget: when it keeps failing (the broker refuses it, or the
 * dead-letter topic is unreachable), the record is logged with its coordinates, size and reason, counted in
 * {@code pipeline.records.dropped}, and committed. So no single record stalls its partition.
 * When the partition of the record in hand is revoked (another member takes it) or the loop stops, the
 * work is cancelled and left uncommitted: the next owner does it again (handlers are idempotent).
 */
public final class ConsumerLoop extends ConsumerThread {
    private static final Logger LOG = LoggerFactory.getLogger(ConsumerLoop.class);

    /**
     * @param pollTimeout  longest wait in one poll (also how fast a finished record is noticed)
     * @param maxAttempts  tries of a record that keeps failing before it is dead-lettered
     * @param retryBackoff pause before the first retry; doubled on each further one
     * @param cancelGrace  how long a revoked or stopping record's work may take to stop
     */
    public record Options(Duration pollTimeout, int maxAttempts, Duration retryBackoff, Duration cancelGrace) {
        public Options {
            if (maxAttempts < 1) {
                throw new IllegalArgumentException("maxAttempts must be >= 1, got " + maxAttempts);
            }
        }

        public static Options defaults() {
            return new Options(Duration.ofMillis(200), 3, Duration.ofSeconds(1), Duration.ofSeconds(60));
        }

        /** these options with another {@link #cancelGrace} (a GPU trainer gives a checkpoint upload minutes) */
        public Options withCancelGrace(Duration grace) {
            return new Options(pollTimeout, maxAttempts, retryBackoff, grace);
        }
    }

    private final String topic;
    private final String groupId;
    private final RecordHandler handler;
    private final PipelineProducer producer;
    private final Options options;
    private final ExecutorService worker;
    private final Counter processed;
    private final Counter deadLettered;
    private final Counter failures;
    private final Counter cancellations;
    private final Counter dropped;
    private final Timer duration;

    // touched only by the loop thread
    private Consumer<String, byte[]> consumer;
    private InFlight inFlight;
    private long attemptOffset = -1;
    private TopicPartition attemptPartition;
    private int attempts;
    private PendingLetter pendingLetter;
    private long backoffUntilNanos;

    private record InFlight(
            ConsumerRecord<String, byte[]> record,
            TopicPartition partition,
            Future<?> work,
            AtomicBoolean cancelled,
            long startNanos) {}

    /**
     * @param consumerConfig from {@link KafkaClients#groupConsumer}
     * @param producer       for dead letters
     */
    public ConsumerLoop(
            String topic,
            Map<String, Object> consumerConfig,
            RecordHandler handler,
            PipelineProducer producer,
            MeterRegistry registry,
            Options options) {
        this(
                topic,
                String.valueOf(consumerConfig.get("group.id")),
                () -> new KafkaConsumer<>(Map.copyOf(consumerConfig)),
                handler,
                producer,
                registry,
                options);
    }

    /** @param consumers makes the group consumer on the loop's thread (Kafka's MockConsumer in tests) */
    ConsumerLoop(
            String topic,
            String groupId,
            Supplier<Consumer<String, byte[]>> consumers,
            RecordHandler handler,
            PipelineProducer producer,
            MeterRegistry registry,
            Options options) {
        super("consume-" + topic + "-" + groupId, consumers);
        this.topic = topic;
        this.groupId = groupId;
        this.handler = handler;
        this.producer = producer;
        this.options = options;
        this.worker = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "work-" + topic + "-" + groupId);
            t.setDaemon(true);
            return t;
        });
        List<io.micrometer.core.instrument.Tag> tags = List.of(
                io.micrometer.core.instrument.Tag.of("topic", topic),
                io.micrometer.core.instrument.Tag.of("group", groupId));
        this.processed = Counter.builder("pipeline.records.processed")
                .description("records handled and committed")
                .tags(tags)
                .register(registry);
        this.deadLettered = Counter.builder("pipeline.records.dead.lettered")
                .description("records sent to the dead-letter topic")
                .tags(tags)
                .register(registry);
        this.failures = Counter.builder("pipeline.records.failures")
                .description("failed attempts at a record (retried or dead-lettered)")
                .tags(tags)
                .register(registry);
        this.cancellations = Counter.builder("pipeline.records.cancelled")
                .description("records left to another member (revoked or stopping)")
                .tags(tags)
                .register(registry);
        this.dropped = Counter.builder("pipeline.records.dropped")
                .description("records given up after their dead letter could not be sent either (logged)")
                .tags(tags)
                .register(registry);
        this.duration = Timer.builder("pipeline.record.duration")
                .description("time from taking a record to its commit")
                .tags(tags)
                .register(registry);
    }

    public String topic() {
        return topic;
    }

    public String groupId() {
        return groupId;
    }

    /** Cancels the record in hand (left uncommitted), leaves the group and waits for the loop to end. */
    @Override
    public void close() {
        super.close();
        worker.shutdownNow();
    }

    @Override
    protected Duration joinTimeout() {
        return options.cancelGrace().plusSeconds(30);
    }

    @Override
    protected void loop(Consumer<String, byte[]> c) {
        consumer = c;
        c.subscribe(List.of(topic), new Rebalance());
        while (running()) {
            if (inFlight != null && inFlight.work().isDone()) {
                finish();
            }
            if (pendingLetter != null && System.nanoTime() >= pendingLetter.dueNanos()) {
                PendingLetter p = pendingLetter;
                sendDeadLetter(p.record(), p.partition(), p.reason(), p.tries() + 1);
            }
            if (inFlight == null
                    && pendingLetter == null
                    && !c.paused().isEmpty()
                    && System.nanoTime() >= backoffUntilNanos) {
                Set<TopicPartition> resume = new HashSet<>(c.paused());
                resume.retainAll(c.assignment()); // a revoked partition is no longer ours to resume
                c.resume(resume);
            }
            Set<TopicPartition> deferred = new HashSet<>();
            for (ConsumerRecord<String, byte[]> record : c.poll(pollTimeout())) {
                TopicPartition tp = new TopicPartition(record.topic(), record.partition());
                if (inFlight == null && pendingLetter == null) {
                    begin(record, tp);
                } else if (deferred.add(tp)) {
                    // fetched with or after the record in hand (max.poll.records is 1, but a batch may hold
                    // more): read it again once the work is settled, from its partition's first such offset
                    c.seek(tp, record.offset());
                    c.pause(List.of(tp));
                }
            }
        }
    }

    /**
     * The poll timeout: short (5 ms) during a record's first 2 s, so that quick records (a request refused, a
     * redelivered event) are settled within milliseconds instead of a full poll timeout each; the configured one
     * otherwise (long work, or nothing in hand, when poll returns as soon as records arrive).
     */
    private Duration pollTimeout() {
        if (inFlight != null && System.nanoTime() - inFlight.startNanos() < QUICK_WINDOW_NANOS) {
            return QUICK_POLL.compareTo(options.pollTimeout()) < 0 ? QUICK_POLL : options.pollTimeout();
        }
        return options.pollTimeout();
    }

    private static final Duration QUICK_POLL = Duration.ofMillis(5);
    private static final long QUICK_WINDOW_NANOS = Duration.ofSeconds(2).toNanos();

    /** the loop ended (stopped or crashed): the record in hand is cancelled and stays uncommitted */
    @Override
    protected void stopped() {
        if (inFlight != null) {
            cancelAndWait();
            inFlight = null;
        }
    }

    private void begin(ConsumerRecord<String, byte[]> record, TopicPartition tp) {
        consumer.pause(consumer.assignment());
        AtomicBoolean cancelled = new AtomicBoolean();
        Future<?> work = worker.submit(() -> {
            handler.handle(record, cancelled::get);
            return null;
        });
        inFlight = new InFlight(record, tp, work, cancelled, System.nanoTime());
    }

    /** Settles the finished record: commit, dead-letter or retry. Leaves the partitions paused. */
    private void finish() {
        InFlight f = inFlight;
        inFlight = null;
        ConsumerRecord<String, byte[]> record = f.record();
        Throwable error = outcome(f.work());
        if (f.cancelled().get()) {
            cancellations.increment();
            LOG.info(
                    "{}-{}@{} (key {}): cancelled, left uncommitted",
                    record.topic(),
                    record.partition(),
                    record.offset(),
                    record.key());
            rewind(f.partition(), record.offset());
            return;
        }
        if (error == null) {
            if (commit(f.partition(), record.offset())) {
                processed.increment();
                duration.record(System.nanoTime() - f.startNanos(), TimeUnit.NANOSECONDS);
            }
            return;
        }
        if (error instanceof MessageException) {
            deadLetter(f, error.getMessage());
            return;
        }
        failures.increment();
        int attempt = attemptOf(f.partition(), record.offset());
        if (attempt >= options.maxAttempts()) {
            LOG.error(
                    "{}-{}@{} (key {}): failed {} times, dead-lettered: {}",
                    record.topic(),
                    record.partition(),
                    record.offset(),
                    record.key(),
                    attempt,
                    error.toString(),
                    error);
            deadLetter(f, "failed " + attempt + " times, last: " + describe(error));
        } else {
            LOG.warn(
                    "{}-{}@{} (key {}): attempt {} of {} failed, retrying: {}",
                    record.topic(),
                    record.partition(),
                    record.offset(),
                    record.key(),
                    attempt,
                    options.maxAttempts(),
                    error.toString(),
                    error);
            backoffUntilNanos = System.nanoTime()
                    + options.retryBackoff().multipliedBy(1L << (attempt - 1)).toNanos();
            rewind(f.partition(), record.offset());
        }
    }

    /** a dead letter whose send failed, tried again from the loop (the handler is not run again) */
    private record PendingLetter(
            ConsumerRecord<String, byte[]> record, TopicPartition partition, String reason, int tries, long dueNanos) {}

    private void deadLetter(InFlight f, String reason) {
        sendDeadLetter(f.record(), f.partition(), reason, 1);
    }

    /**
     * Sends the letter; on success commits the record. On failure the record stays uncommitted, its partitions
     * paused, and the send is tried again after a growing pause; after {@link Options#maxAttempts} failed sends
     * the record is logged, counted as dropped and committed.
     */
    private void sendDeadLetter(ConsumerRecord<String, byte[]> record, TopicPartition tp, String reason, int tries) {
        pendingLetter = null;
        try {
            producer.deadLetter(record, reason);
        } catch (RuntimeException e) {
            failures.increment();
            if (tries >= options.maxAttempts()) {
                // the record cannot even be dead-lettered: give it up, said loudly, rather than stall the partition
                LOG.error(
                        "{}-{}@{} (key {}, {} bytes): dropped after {} failed dead-letter sends ({}); it was refused"
                                + " because: {}",
                        record.topic(),
                        record.partition(),
                        record.offset(),
                        shortKey(record.key()),
                        record.value() == null ? 0 : record.value().length,
                        tries,
                        e.toString(),
                        shortReason(reason));
                dropped.increment();
                commit(tp, record.offset());
                return;
            }
            LOG.error(
                    "{}-{}@{}: cannot dead-letter (send {} of {}), trying again: {}",
                    record.topic(),
                    record.partition(),
                    record.offset(),
                    tries,
                    options.maxAttempts(),
                    e.toString());
            pendingLetter = new PendingLetter(
                    record,
                    tp,
                    reason,
                    tries,
                    System.nanoTime()
                            + options.retryBackoff()
                                    .multipliedBy(1L << (tries - 1))
                                    .toNanos());
            return;
        }
        LOG.warn(
                "{}-{}@{} (key {}): dead-lettered: {}",
                record.topic(),
                record.partition(),
                record.offset(),
                shortKey(record.key()),
                shortReason(reason));
        deadLettered.increment();
        commit(tp, record.offset());
    }

    private static String shortReason(String reason) {
        return reason == null || reason.length() <= 1000 ? reason : reason.substring(0, 1000) + "...";
    }

    private static String shortKey(String key) {
        return key == null || key.length() <= 200 ? key : key.substring(0, 200) + "...";
    }

    /** counts the attempts at one record: a different record starts again at 1 */
    private int attemptOf(TopicPartition tp, long offset) {
        if (!tp.equals(attemptPartition) || offset != attemptOffset) {
            attemptPartition = tp;
            attemptOffset = offset;
            attempts = 0;
        }
        return ++attempts;
    }

    private boolean commit(TopicPartition tp, long offset) {
        try {
            consumer.commitSync(Map.of(tp, new OffsetAndMetadata(offset + 1)));
            return true;
        } catch (KafkaException e) {
            // e.g. the partition moved meanwhile: its next owner gets the record again (at-least-once)
            LOG.warn("{}@{}: commit failed, the record may be delivered again: {}", tp, offset, e.toString());
            return false;
        }
    }

    /** Positions the partition back on the record, when it is still ours. */
    private void rewind(TopicPartition tp, long offset) {
        if (consumer.assignment().contains(tp)) {
            consumer.seek(tp, offset);
        }
    }

    private void cancelAndWait() {
        InFlight f = inFlight;
        f.cancelled().set(true);
        try {
            f.work().get(options.cancelGrace().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            LOG.error(
                    "{}-{}@{}: work did not stop within {}; interrupting it",
                    f.record().topic(),
                    f.record().partition(),
                    f.record().offset(),
                    options.cancelGrace());
            f.work().cancel(true);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | java.util.concurrent.CancellationException e) {
            // it ended; the outcome does not matter, the record stays uncommitted
        }
        cancellations.increment();
    }

    private static Throwable outcome(Future<?> work) {
        try {
            work.get();
            return null;
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return e;
        } catch (java.util.concurrent.CancellationException e) {
            return e;
        }
    }

    private static String describe(Throwable e) {
        return e.getMessage() != null ? e.getMessage() : e.getClass().getName();
    }

    /** Runs inside poll(), on the loop thread. */
    private final class Rebalance implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            if (pendingLetter != null && partitions.contains(pendingLetter.partition())) {
                pendingLetter = null; // uncommitted: its next owner gets the record again
            }
            if (inFlight != null && partitions.contains(inFlight.partition())) {
                if (inFlight.work().isDone()) {
                    finish(); // done just in time: commit while the partition is still ours
                } else {
                    LOG.info("{} revoked while its record was in hand: cancelling the work", inFlight.partition());
                    cancelAndWait();
                    inFlight = null;
                }
            }
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            if (pendingLetter != null && partitions.contains(pendingLetter.partition())) {
                pendingLetter = null;
            }
            if (inFlight != null && partitions.contains(inFlight.partition())) {
                LOG.warn("{} lost (session expired?): cancelling the work", inFlight.partition());
                cancelAndWait();
                inFlight = null;
            }
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            if (inFlight != null || pendingLetter != null || System.nanoTime() < backoffUntilNanos) {
                consumer.pause(partitions);
            }
        }
    }
}
