package org.denoiselab.science.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class BatchLoaderTest {
    /** sample i is the 2 floats (i, -i) with label i mod 3; optionally fails on one index */
    static final class Counting implements ImageDataset {
        final int n;
        final int failAt;
        final AtomicInteger reads = new AtomicInteger();

        Counting(int n, int failAt) {
            this.n = n;
            this.failAt = failAt;
        }

        @Override
        public String name() {
            return "counting";
        }

        @Override
        public int size() {
            return n;
        }

        @Override
        public int channels() {
            return 1;
        }

        @Override
        public int height() {
            return 1;
        }

        @Override
        public int width() {
            return 2;
        }

        @Override
        public int numClasses() {
            return 3;
        }

        @Override
        public int label(int index) {
            return index % 3;
        }

        @Override
        public void read(int index, float[] dst, int offset) {
            reads.incrementAndGet();
            if (index == failAt) {
                throw new IllegalStateException("cannot decode sample " + index + " (broken.jpg)");
            }
            dst[offset] = index;
            dst[offset + 1] = -index;
        }
    }

    private static List<Integer> order(BatchLoader loader, int epoch) {
        List<Integer> seen = new ArrayList<>();
        for (Batch b : loader.epoch(epoch)) {
            assertEquals(b.count(), b.labels().length);
            assertEquals(2 * b.count(), b.images().length);
            for (int i = 0; i < b.count(); i++) {
                int index = (int) b.images()[2 * i];
                assertEquals(-index, b.images()[2 * i + 1], 0f);
                assertEquals(index % 3, b.labels()[i], "label travels with its sample");
                seen.add(index);
            }
        }
        return seen;
    }

    @Test
    void permutationIsFixedBySeedAndEpochAndCoversEveryIndexOnce() {
        int[] a = BatchLoader.permutation(1000, 42, 3);
        assertArrayEquals(a, BatchLoader.permutation(1000, 42, 3));
        assertFalse(Arrays.equals(a, BatchLoader.permutation(1000, 42, 4)), "epochs differ");
        assertFalse(Arrays.equals(a, BatchLoader.permutation(1000, 43, 3)), "seeds differ");
        int[] sorted = a.clone();
        Arrays.sort(sorted);
        for (int i = 0; i < sorted.length; i++) {
            assertEquals(i, sorted[i]);
        }
    }

    @Test
    void keepsLastPartialBatchAndRepeatsOrderForSameSeed() {
        Counting data = new Counting(23, -1);
        List<Integer> first;
        try (BatchLoader loader = new BatchLoader(data, 5, false, 9L)) {
            assertEquals(5, loader.batchesPerEpoch());
            first = order(loader, 0);
            assertEquals(23, first.size());
            assertEquals(23, first.stream().distinct().count(), "every index exactly once");
            List<Integer> second = order(loader, 1);
            assertEquals(23, second.stream().distinct().count());
            assertTrue(!first.equals(second), "a new epoch reshuffles");
        }
        try (BatchLoader again = new BatchLoader(data, 5, false, 9L)) {
            assertEquals(first, order(again, 0), "same seed, same order");
        }
        int[] expected = BatchLoader.permutation(23, 9L, 0);
        assertEquals(Arrays.stream(expected).boxed().toList(), first);
    }

    @Test
    void dropsLastPartialBatchWhenAsked() {
        try (BatchLoader loader = new BatchLoader(new Counting(23, -1), 5, true, 9L)) {
            assertEquals(4, loader.batchesPerEpoch());
            int batches = 0;
            for (Batch b : loader.epoch(0)) {
                assertEquals(5, b.count());
                batches++;
            }
            assertEquals(4, batches);
        }
        assertThrows(IllegalArgumentException.class, () -> new BatchLoader(new Counting(3, -1), 5, true, 1L));
    }

    @Test
    void readerFailureReachesTheCaller() {
        Counting data = new Counting(40, 17);
        try (BatchLoader loader = new BatchLoader(data, 4, false, 1L)) {
            BatchLoader.DataLoadingException e =
                    assertThrows(BatchLoader.DataLoadingException.class, () -> order(loader, 0));
            assertTrue(e.getCause() instanceof IllegalStateException);
            assertTrue(e.getMessage().contains("broken.jpg") && e.getMessage().contains("epoch 0"), e.getMessage());
            // the loader stays usable: a later epoch that also hits the sample fails the same way
            assertThrows(BatchLoader.DataLoadingException.class, () -> order(loader, 1));
        }
    }

    @Test
    void readsAheadOnlyAFewBatchesAndStopsOnClose() throws InterruptedException {
        Counting data = new Counting(1000, -1);
        BatchLoader loader = new BatchLoader(data, 10, true, 1L);
        BatchLoader.Epoch epoch = loader.epoch(0);
        Batch first = epoch.next();
        assertEquals(10, first.count());
        int read = awaitQuiet(data.reads); // the reader has run as far as it may and is blocked
        // one taken + READ_AHEAD queued + one assembled and waiting to be queued
        assertTrue(read <= 10 * (2 + BatchLoader.READ_AHEAD), "read " + read + " samples ahead");
        loader.close();
        Thread.sleep(100);
        assertEquals(read, data.reads.get(), "no reading after close");
        assertThrows(IllegalStateException.class, () -> loader.epoch(1));
    }

    /** the counter's value once it has not moved for 100 ms (at most 5 s) */
    private static int awaitQuiet(AtomicInteger counter) throws InterruptedException {
        int last = -1;
        for (int i = 0; i < 50 && counter.get() != last; i++) {
            last = counter.get();
            Thread.sleep(100);
        }
        return counter.get();
    }

    @Test
    void abandoningAnEpochMidwayStartsTheNextCleanly() {
        Counting data = new Counting(100, -1);
        try (BatchLoader loader = new BatchLoader(data, 10, true, 3L)) {
            BatchLoader.Epoch e0 = loader.epoch(0);
            e0.next();
            BatchLoader.Epoch e1 = loader.epoch(1);
            assertFalse(e0.hasNext(), "the abandoned epoch is over");
            List<Integer> seen = new ArrayList<>();
            e1.forEachRemaining(b -> {
                for (int i = 0; i < b.count(); i++) {
                    seen.add((int) b.images()[2 * i]);
                }
            });
            assertEquals(
                    Arrays.stream(BatchLoader.permutation(100, 3L, 1)).boxed().toList(), seen);
            assertSame(e1, e1.iterator());
        }
    }
}
