package org.denoiselab.science.data;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Shuffled batches, epoch by epoch. The order of epoch e is a permutation that depends only on the
 * seed and e, so a resumed run sees exactly the batches it would have seen. One background daemon
 * thread assembles up to {@value #READ_AHEAD} batches ahead so that decoding (CelebA JPEGs) overlaps
 * training; a failure there is rethrown to the caller by {@link Epoch#next}.
 *
 * <pre>{@code
 * try (BatchLoader loader = new BatchLoader(data, 64, true, seed)) {
 *     for (int e = 0; e < epochs; e++) {
 *         for (Batch b : loader.epoch(e)) { ... }
 *     }
 * }
 * }</pre>
 */
public final class BatchLoader implements AutoCloseable {
    static final int READ_AHEAD = 2;

    private final ImageDataset data;
    private final int batchSize;
    private final boolean dropLast;
    private final long seed;
    private final ExecutorService worker;
    private Epoch current;
    private boolean closed;

    /**
     * @param batchSize samples per batch
     * @param dropLast  drop the last partial batch (true) or deliver it with a smaller count (false)
     * @param seed      shuffling seed
     */
    public BatchLoader(ImageDataset data, int batchSize, boolean dropLast, long seed) {
        if (batchSize <= 0) {
            throw new IllegalArgumentException("batch size must be positive, was " + batchSize);
        }
        if (dropLast && data.size() < batchSize) {
            throw new IllegalArgumentException("dataset " + data.name() + " has " + data.size()
                    + " samples, fewer than one batch of " + batchSize + " (with the last partial batch dropped)");
        }
        this.data = data;
        this.batchSize = batchSize;
        this.dropLast = dropLast;
        this.seed = seed;
        this.worker = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "batch-loader-" + data.name());
            t.setDaemon(true);
            return t;
        });
    }

    /** the sample order of one epoch: a permutation of 0..n-1 fixed by (seed, epoch) alone */
    public static int[] permutation(int n, long seed, int epoch) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        // a fresh generator per epoch, not one stream carried across epochs: epoch e is reproducible on its own
        SplittableRandom random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + epoch);
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int tmp = order[i];
            order[i] = order[j];
            order[j] = tmp;
        }
        return order;
    }

    public int batchesPerEpoch() {
        int n = data.size();
        return dropLast ? n / batchSize : (n + batchSize - 1) / batchSize;
    }

    public ImageDataset dataset() {
        return data;
    }

    /**
     * Starts reading epoch {@code epoch} in the background. An epoch still in progress is abandoned
     * (its reader is stopped), so a caller may break out of a loop and start the next epoch.
     */
    public synchronized Epoch epoch(int epoch) {
        if (closed) {
            throw new IllegalStateException("batch loader is closed");
        }
        if (current != null) {
            current.stop();
        }
        current = new Epoch(epoch);
        return current;
    }

    /** stops the background thread; batches not yet taken are discarded */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (current != null) {
            current.stop();
        }
        worker.shutdownNow();
    }

    /** what the reader thread hands over: a batch, the end of the epoch, or the failure that stopped it */
    private sealed interface Item permits Ready, End, Failed {}

    private record Ready(Batch batch) implements Item {}

    private record End() implements Item {}

    private record Failed(Throwable error, int batchIndex) implements Item {}

    /** the batches of one epoch, in order; iterable once */
    public final class Epoch implements Iterator<Batch>, Iterable<Batch> {
        private final int epoch;
        private final BlockingQueue<Item> queue = new ArrayBlockingQueue<>(READ_AHEAD);
        private final Future<?> task;
        private Item next;
        private boolean finished;

        private Epoch(int epoch) {
            this.epoch = epoch;
            int[] order = permutation(data.size(), seed, epoch);
            this.task = worker.submit(() -> produce(order));
        }

        private void produce(int[] order) {
            int batches = batchesPerEpoch();
            int sample = data.sampleLength();
            int b = 0;
            try {
                for (; b < batches; b++) {
                    int from = b * batchSize;
                    int count = Math.min(batchSize, order.length - from);
                    float[] images = new float[count * sample];
                    int[] labels = new int[count];
                    for (int i = 0; i < count; i++) {
                        data.read(order[from + i], images, i * sample);
                        labels[i] = data.label(order[from + i]);
                    }
                    queue.put(new Ready(new Batch(images, labels, count)));
                }
                queue.put(new End());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // stopped by the consumer: nobody is waiting
            } catch (Throwable t) {
                try {
                    queue.put(new Failed(t, b));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        public int index() {
            return epoch;
        }

        @Override
        public Iterator<Batch> iterator() {
            return this;
        }

        @Override
        public boolean hasNext() {
            if (finished) {
                return false;
            }
            if (next == null) {
                try {
                    next = queue.take();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for a batch of epoch " + epoch, e);
                }
            }
            if (next instanceof End) {
                finished = true;
                return false;
            }
            if (next instanceof Failed failed) {
                finished = true;
                Throwable error = failed.error();
                throw new DataLoadingException(
                        "reading batch " + failed.batchIndex() + " of epoch " + epoch + " from " + data.name()
                                + " failed: " + error,
                        error);
            }
            return true;
        }

        @Override
        public Batch next() {
            if (!hasNext()) {
                throw new NoSuchElementException("epoch " + epoch + " has no more batches");
            }
            Batch batch = ((Ready) next).batch();
            next = null;
            return batch;
        }

        private void stop() {
            finished = true;
            task.cancel(true);
        }
    }

    /** a failure of the background reader, rethrown on the caller's thread with the reader's error as cause */
    public static final class DataLoadingException extends RuntimeException {
        public DataLoadingException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
