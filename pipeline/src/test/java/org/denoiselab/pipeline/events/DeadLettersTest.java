package org.denoiselab.pipeline.events;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.denoiselab.experiment.Experiments;
import org.denoiselab.experiment.json.Json;
import org.denoiselab.experiment.json.MessageException;
import org.denoiselab.pipeline.kafka.Topics;
import org.junit.jupiter.api.Test;

class DeadLettersTest {

    @Test
    void keepsTheOriginalBytesExactly() {
        // not valid UTF-8, with a NUL and every byte value: must come back bit for bit
        byte[] original = new byte[256 + 3];
        for (int i = 0; i < 256; i++) original[i] = (byte) i;
        original[256] = (byte) 0xC3;
        original[257] = (byte) 0x28;
        original[258] = 0;
        ConsumerRecord<String, byte[]> rec = new ConsumerRecord<>(Topics.EXPERIMENTS, 0, 41L, "exp-1", original);
        DeadLetter letter = DeadLetters.of(rec, "$: invalid JSON");
        DeadLetter back = DeadLetter.decode(Json.encode(letter));
        assertEquals(letter, back);
        assertArrayEquals(original, back.originalValue());
        assertEquals(Topics.EXPERIMENTS, back.sourceTopic());
        assertEquals(0, back.partition());
        assertEquals(41L, back.offset());
        assertEquals("exp-1", back.key());
        assertEquals(1, back.schemaVersion());
    }

    @Test
    void reasonComesFromTheRejection() {
        byte[] bad = "{\"preset\": \"quick\", \"sampling\": {\"stepz\": 10}}".getBytes(StandardCharsets.UTF_8);
        ConsumerRecord<String, byte[]> rec = new ConsumerRecord<>(Topics.EXPERIMENTS, 0, 7L, null, bad);
        MessageException error = assertThrows(MessageException.class, () -> Experiments.accept(bad, loc -> true));
        DeadLetter letter = DeadLetters.of(rec, error);
        assertEquals(true, letter.reason().startsWith("sampling.stepz: unknown field"), letter.reason());
        assertNull(letter.key());
        assertArrayEquals(bad, letter.originalValue());

        ProducerRecord<String, byte[]> out = DeadLetters.toRecord(letter);
        assertEquals(Topics.DEAD_LETTER, out.topic());
        assertEquals(letter, DeadLetter.decode(out.value()));
    }

    /** the reported case: a 790 KB request would make a letter over the broker's 1 MiB; it keeps a prefix */
    @Test
    void aLargeOriginalKeepsABoundedPrefixWithItsSizeAndSha256() {
        byte[] original = new byte[790 * 1024];
        new java.util.Random(1).nextBytes(original);
        ConsumerRecord<String, byte[]> rec =
                new ConsumerRecord<>(Topics.EXPERIMENTS, 0, 9L, "k".repeat(5000), original);
        DeadLetter letter = DeadLetters.of(rec, "$: invalid JSON ".repeat(1000));
        byte[] json = Json.encode(letter);
        assertEquals(true, json.length <= DeadLetters.MAX_LETTER_BYTES, json.length + " bytes");
        assertEquals(true, json.length < 1024 * 1024 / 4, json.length + " bytes, well under the broker's 1 MiB");
        DeadLetter back = DeadLetter.decode(json);
        assertEquals(true, back.keptPrefixOnly());
        assertEquals((long) original.length, back.originalSizeBytes());
        assertEquals(org.denoiselab.pipeline.store.Sha256.hex(original), back.originalSha256());
        assertArrayEquals(java.util.Arrays.copyOf(original, DeadLetters.MAX_ORIGINAL_BYTES), back.originalValue());
        assertEquals(true, back.reason().startsWith("original of 808960 bytes, the first 65536 kept; $: invalid"));
        assertEquals(true, back.key().length() < 1100, "bounded key");
        // a small original is kept whole, not marked truncated
        DeadLetter small = DeadLetters.of(new ConsumerRecord<>(Topics.EXPERIMENTS, 0, 1L, "k", new byte[] {1, 2}), "r");
        assertEquals(false, small.keptPrefixOnly());
        assertEquals(2L, small.originalSizeBytes());
    }

    @Test
    void tombstonesHaveNoValue() {
        DeadLetter letter = DeadLetters.of(
                new ConsumerRecord<String, byte[]>(Topics.CHECKPOINTS, 2, 3L, "run-1", null), (String) null);
        assertNull(letter.originalValue());
        assertEquals("no reason given", letter.reason());
        assertEquals(letter, DeadLetter.decode(Json.encode(letter)));
    }
}
