package org.denoiselab.pipeline.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.denoiselab.experiment.json.MessageException;
import org.denoiselab.pipeline.events.DeadLetter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * ConsumerLoop against Kafka's MockConsumer and MockProducer: the loop's own thread polls, the worker
 * thread handles, and the tests act through poll tasks (which run on the loop's thread, as a real
 * rebalance would).
 */
class ConsumerLoopTest {
    private static final String TOPIC = "work";
    private static final TopicPartition P0 = new TopicPartition(TOPIC, 0);
    private static final TopicPartition P1 = new TopicPartition(TOPIC, 1);
    private static final Duration WAIT = Duration.ofSeconds(20);

    private final ReplayingConsumer consumer = new ReplayingConsumer();
    private final MockProducer<String, byte[]> producer =
            new MockProducer<>(true, new StringSerializer(), new ByteArraySerializer());
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private ConsumerLoop loop;

    @AfterEach
    void close() {
        if (loop != null) {
            loop.close();
        }
    }

    private void start(RecordHandler handler, int maxAttempts) {
        start(handler, maxAttempts, producer);
    }

    private void start(RecordHandler handler, int maxAttempts, MockProducer<String, byte[]> out) {
        ConsumerLoop.Options options = new ConsumerLoop.Options(
                Duration.ofMillis(20), maxAttempts, Duration.ofMillis(10), Duration.ofSeconds(5));
        loop = new ConsumerLoop(TOPIC, "group", () -> consumer, handler, new PipelineProducer(out), registry, options);
        // the group assigns both partitions at the first poll
        consumer.schedulePollTask(() -> {
            consumer.rebalance(List.of(P0, P1));
            consumer.updateBeginningOffsets(Map.of(P0, 0L, P1, 0L));
        });
        loop.start();
    }

    private void add(TopicPartition tp, long offset, String key, String value) {
        consumer.schedulePollTask(() -> consumer.addRecord(
                new ConsumerRecord<>(TOPIC, tp.partition(), offset, key, value.getBytes(StandardCharsets.UTF_8))));
    }

    private Long committed(TopicPartition tp) {
        return consumer.commits.get(tp);
    }

    /**
     * Kafka's MockConsumer hands each added record out once; a real consumer hands it out again after a
     * seek back to it. This one keeps every record and serves it again after such a seek, and it keeps the
     * committed offsets readable after close.
     */
    static final class ReplayingConsumer extends MockConsumer<String, byte[]> {
        final Map<TopicPartition, List<ConsumerRecord<String, byte[]>>> log =
                new java.util.concurrent.ConcurrentHashMap<>();
        final Map<TopicPartition, Long> commits = new java.util.concurrent.ConcurrentHashMap<>();

        ReplayingConsumer() {
            super(OffsetResetStrategy.EARLIEST);
        }

        @Override
        public synchronized void addRecord(ConsumerRecord<String, byte[]> record) {
            log.computeIfAbsent(
                            new TopicPartition(record.topic(), record.partition()), k -> new java.util.ArrayList<>())
                    .add(record);
            super.addRecord(record);
        }

        @Override
        public synchronized void seek(TopicPartition partition, long offset) {
            super.seek(partition, offset);
            for (ConsumerRecord<String, byte[]> r : log.getOrDefault(partition, List.of())) {
                if (r.offset() >= offset) {
                    super.addRecord(r);
                }
            }
        }

        @Override
        public synchronized void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets) {
            super.commitSync(offsets);
            offsets.forEach((tp, o) -> commits.put(tp, o.offset()));
        }
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(10);
        }
    }

    private double counter(String name) {
        return registry.get(name).counter().count();
    }

    @Test
    void aRecordIsCommittedOnlyAfterItsWorkIsDone() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger handled = new AtomicInteger();
        start(
                (record, cancelled) -> {
                    release.await();
                    handled.incrementAndGet();
                },
                3);
        add(P0, 0, "a", "one");
        await(() -> consumer.paused().contains(P0), "the loop pauses while the record is in hand");
        Thread.sleep(100);
        assertNull(committed(P0), "nothing committed while the work runs");
        release.countDown();
        await(() -> Long.valueOf(1).equals(committed(P0)), "the record is committed");
        assertEquals(1, handled.get());
        assertEquals(1.0, counter("pipeline.records.processed"));
        assertTrue(loop.healthy());
    }

    @Test
    void aFailingRecordIsRetriedThenDeadLetteredWithItsBytesAndTheNextOneIsHandled() throws Exception {
        AtomicInteger attempts = new AtomicInteger();
        AtomicBoolean secondHandled = new AtomicBoolean();
        start(
                (record, cancelled) -> {
                    if (record.offset() == 0) {
                        attempts.incrementAndGet();
                        throw new IllegalStateException("store unreachable");
                    }
                    secondHandled.set(true);
                },
                3);
        add(P0, 0, "bad", "{\"x\": 1}");
        await(() -> Long.valueOf(1).equals(committed(P0)), "the failing record is settled (dead-lettered, committed)");
        add(P0, 1, "good", "{}");
        await(secondHandled::get, "the record after the failing one is handled");
        await(() -> Long.valueOf(2).equals(committed(P0)), "both offsets are committed");
        assertEquals(3, attempts.get(), "three attempts before giving up");
        List<ProducerRecord<String, byte[]>> sent = producer.history();
        assertEquals(1, sent.size(), "one dead letter");
        DeadLetter letter = DeadLetter.decode(sent.get(0).value());
        assertEquals("bad", letter.key());
        assertEquals("{\"x\": 1}", new String(letter.originalValue(), StandardCharsets.UTF_8));
        assertTrue(
                letter.reason().contains("failed 3 times") && letter.reason().contains("store unreachable"),
                letter.reason());
        assertEquals(3.0, counter("pipeline.records.failures"));
        assertEquals(1.0, counter("pipeline.records.dead.lettered"));
    }

    @Test
    void anUnusableRecordIsDeadLetteredAtOnce() throws Exception {
        AtomicInteger attempts = new AtomicInteger();
        start(
                (record, cancelled) -> {
                    attempts.incrementAndGet();
                    throw new MessageException("prediction", "unknown value 'q'");
                },
                3);
        add(P1, 0, "k", "{\"prediction\": \"q\"}");
        await(() -> Long.valueOf(1).equals(committed(P1)), "the record is committed after its dead letter");
        assertEquals(1, attempts.get(), "no retry for a record that can never be used");
        DeadLetter letter = DeadLetter.decode(producer.history().get(0).value());
        assertTrue(letter.reason().contains("prediction: unknown value 'q'"), letter.reason());
    }

    /** a producer whose dead-letter sends fail as {@code error} says (null: they succeed) */
    static MockProducer<String, byte[]> failingDeadLetters(
            java.util.function.Function<ProducerRecord<String, byte[]>, RuntimeException> error) {
        return new MockProducer<>(true, new StringSerializer(), new ByteArraySerializer()) {
            @Override
            public synchronized java.util.concurrent.Future<org.apache.kafka.clients.producer.RecordMetadata> send(
                    ProducerRecord<String, byte[]> record) {
                RuntimeException e = error.apply(record);
                return e == null ? super.send(record) : java.util.concurrent.CompletableFuture.failedFuture(e);
            }
        };
    }

    @Test
    void aRecordWhoseDeadLetterCannotBeSentIsDroppedAfterItsBudgetAndTheNextIsHandled() throws Exception {
        AtomicInteger attempts = new AtomicInteger();
        AtomicBoolean secondHandled = new AtomicBoolean();
        AtomicInteger sends = new AtomicInteger();
        MockProducer<String, byte[]> broken = failingDeadLetters(r -> {
            sends.incrementAndGet();
            return new org.apache.kafka.common.errors.TimeoutException("dead-letter topic unreachable");
        });
        start(
                (record, cancelled) -> {
                    if (record.offset() == 0) {
                        attempts.incrementAndGet();
                        throw new MessageException("$", "invalid JSON");
                    }
                    secondHandled.set(true);
                },
                3,
                broken);
        add(P0, 0, "bad", "{");
        add(P0, 1, "good", "{}");
        await(secondHandled::get, "the record after the undeliverable one is handled");
        await(() -> Long.valueOf(2).equals(committed(P0)), "both are committed");
        assertEquals(1, attempts.get(), "the handler is not run again for a retried dead letter");
        assertEquals(3, sends.get(), "three dead-letter sends, the budget");
        assertEquals(1.0, counter("pipeline.records.dropped"));
        assertEquals(0.0, counter("pipeline.records.dead.lettered"));
        assertTrue(loop.healthy());
    }

    @Test
    void aDeadLetterTheBrokerFindsTooLargeIsSentWithSizeAndChecksumOnly() throws Exception {
        MockProducer<String, byte[]> strict = failingDeadLetters(r -> r.value().length > 2000
                ? new org.apache.kafka.common.errors.RecordTooLargeException("message too large")
                : null);
        start(
                (record, cancelled) -> {
                    throw new MessageException("$", "invalid JSON");
                },
                3,
                strict);
        String big = "x".repeat(5000);
        add(P0, 0, "big", big);
        await(() -> Long.valueOf(1).equals(committed(P0)), "the record is committed after its dead letter");
        DeadLetter letter = DeadLetter.decode(strict.history().get(0).value());
        assertEquals(5000L, letter.originalSizeBytes());
        assertEquals(
                org.denoiselab.pipeline.store.Sha256.hex(big.getBytes(StandardCharsets.UTF_8)),
                letter.originalSha256());
        assertTrue(letter.keptPrefixOnly() && letter.originalValue() == null, letter.toString());
        assertTrue(letter.reason().contains("original of 5000 bytes, none kept; $: invalid JSON"), letter.reason());
    }

    @Test
    void aRebalanceDuringALongRecordCancelsItsWorkAndLeavesItUncommitted() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        AtomicBoolean sawCancel = new AtomicBoolean();
        start(
                (record, cancelled) -> {
                    started.countDown();
                    while (!cancelled.getAsBoolean()) { // a long training run polling its cancel flag
                        Thread.sleep(5);
                    }
                    sawCancel.set(true);
                },
                3);
        add(P0, 0, "run", "{}");
        assertTrue(started.await(WAIT.toSeconds(), TimeUnit.SECONDS));
        // another member takes partition 0: revoked on the loop's thread, inside poll
        consumer.schedulePollTask(() -> consumer.rebalance(List.of(P1)));
        await(sawCancel::get, "the work sees the cancel");
        await(() -> counter("pipeline.records.cancelled") == 1.0, "the cancellation is counted");
        assertNull(committed(P0), "the revoked record stays uncommitted for its next owner");
        assertEquals(0, producer.history().size(), "a cancelled record is not dead-lettered");
        assertTrue(loop.healthy());
    }

    @Test
    void closeDuringWorkCancelsItAndEndsTheLoop() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        AtomicBoolean sawCancel = new AtomicBoolean();
        start(
                (record, cancelled) -> {
                    started.countDown();
                    while (!cancelled.getAsBoolean()) {
                        Thread.sleep(5);
                    }
                    sawCancel.set(true);
                },
                3);
        add(P0, 0, "run", "{}");
        assertTrue(started.await(WAIT.toSeconds(), TimeUnit.SECONDS));
        long t0 = System.nanoTime();
        loop.close();
        assertTrue(sawCancel.get(), "the work was cancelled before close returned");
        assertTrue(Duration.ofNanos(System.nanoTime() - t0).compareTo(Duration.ofSeconds(5)) < 0, "close did not hang");
        assertNull(committed(P0));
        assertTrue(consumer.closed(), "the consumer is closed");
    }
}
