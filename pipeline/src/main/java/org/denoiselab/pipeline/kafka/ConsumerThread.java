package org.denoiselab.pipeline.kafka;

import java.time.Duration;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The start and stop of one thread that owns one Kafka consumer, shared by {@link ConsumerLoop} (group
 * member, one record at a time) and {@link TopicReader} (whole-topic view): the consumer is created on
 * the thread, {@link #close()} wakes it out of poll and waits, and an error the loop cannot handle marks
 * the thread unhealthy (readiness reports it) instead of vanishing.
 */
abstract class ConsumerThread implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ConsumerThread.class);

    private final String name;
    private final Supplier<Consumer<String, byte[]>> consumers;
    private volatile boolean running;
    private volatile boolean crashed;
    private volatile Consumer<String, byte[]> consumer;
    private Thread thread;

    /**
     * @param name      the thread's name, also used in log lines
     * @param consumers makes the consumer, on the thread (a KafkaConsumer; Kafka's MockConsumer in tests)
     */
    ConsumerThread(String name, Supplier<Consumer<String, byte[]>> consumers) {
        this.name = name;
        this.consumers = consumers;
    }

    /**
     * Starts the thread.
     *
     * @throws IllegalStateException when it was started before
     */
    public synchronized void start() {
        if (thread != null) {
            throw new IllegalStateException(name + " already started");
        }
        running = true;
        thread = new Thread(this::run, name);
        thread.setDaemon(true);
        thread.start();
    }

    /** False once the loop died of an error it could not handle. */
    public boolean healthy() {
        return !crashed;
    }

    /** true until {@link #close()} is called: loops run while it holds */
    protected final boolean running() {
        return running;
    }

    /** Polls and works with the consumer while {@link #running()}; runs on the thread. */
    protected abstract void loop(Consumer<String, byte[]> consumer);

    /** Called on the thread when the loop ends, however it ends, before the consumer is closed. */
    protected void stopped() {}

    /** how long {@link #close()} waits for the thread */
    protected abstract Duration joinTimeout();

    /** Stops polling (wakes the consumer up), waits up to {@link #joinTimeout()} for the thread to end. */
    @Override
    public void close() {
        Thread t;
        synchronized (this) {
            running = false;
            t = thread;
        }
        Consumer<String, byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        if (t != null && t != Thread.currentThread()) {
            try {
                t.join(joinTimeout().toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void run() {
        try (Consumer<String, byte[]> c = consumers.get()) {
            consumer = c;
            try {
                loop(c);
            } finally {
                stopped();
            }
        } catch (WakeupException e) {
            // close() asked us to stop
        } catch (RuntimeException e) {
            crashed = true;
            LOG.error("{} stopped: {}", name, e.toString(), e);
        } finally {
            consumer = null;
        }
    }
}
