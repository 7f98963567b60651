package org.denoiselab.pipeline.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.denoiselab.experiment.ExperimentRequest;
import org.denoiselab.experiment.Sweep;
import org.denoiselab.experiment.json.Json;
import org.denoiselab.experiment.json.MessageException;
import org.denoiselab.pipeline.store.ObjectLayout;
import org.denoiselab.pipeline.store.ObjectStore;
import org.denoiselab.science.spec.RunSpec;
import org.junit.jupiter.api.Test;

/** Every event survives a JSON round trip and carries its schema version. */
class EventsTest {
    private static final RunSpec SPEC = Sweep.expand(
                    ExperimentRequest.parse("{\"experimentId\": \"exp-1a2b\", \"preset\": \"quick\"}"))
            .get(0);

    private static <T extends PipelineMessage> T roundTrip(T event, Class<T> type) throws Exception {
        byte[] json = Json.encode(event);
        JsonNode tree = Json.mapper().readTree(json);
        assertEquals(1, tree.get("schemaVersion").asInt(), new String(json));
        assertTrue(
                tree.has("key") == (type == DeadLetter.class),
                "key() is not serialized except as DeadLetter's own field");
        T back = PipelineMessage.decode(json, type);
        assertEquals(event, back);
        return back;
    }

    @Test
    void runSpecTravelsWithLowerCaseEnums() throws Exception {
        JsonNode tree = Json.mapper().readTree(Json.encode(SPEC));
        assertEquals("x", tree.get("prediction").asText());
        assertEquals("v", tree.get("loss").asText());
        assertEquals("flow", tree.get("method").asText());
        assertEquals(SPEC, Json.decode(Json.encode(SPEC), RunSpec.class));
    }

    @Test
    void runStatusRoundTrips() throws Exception {
        RunStatus running = roundTrip(RunStatus.running(SPEC, 1, 16, 32, 0.42, 55.5, 12.0), RunStatus.class);
        assertEquals(RunStatus.State.RUNNING, running.state());
        assertEquals("exp-1a2b-x-p7", running.key());
        roundTrip(RunStatus.queued(SPEC, 32), RunStatus.class);
        roundTrip(RunStatus.completed(SPEC, 2, 32, 0.3), RunStatus.class);
        RunStatus failed = roundTrip(RunStatus.failed(SPEC, 1, 20, 32, "loss is NaN at step 20"), RunStatus.class);
        assertEquals("loss is NaN at step 20", failed.reason());
    }

    @Test
    void nonFiniteNumbersTravelAsAbsent() throws Exception {
        RunStatus s = RunStatus.running(SPEC, 1, 16, 32, Double.NaN, Double.POSITIVE_INFINITY, 1.0);
        assertNull(s.loss());
        assertNull(s.imagesPerSecond());
        assertEquals(s, roundTrip(s, RunStatus.class));
        assertTrue(!Json.encodeToString(s).contains("loss"));
    }

    @Test
    void artifactEventsRoundTrip() throws Exception {
        ObjectStore.Stored ckpt =
                new ObjectStore.Stored(ObjectLayout.checkpoint(SPEC.runId(), 2), "ab".repeat(32), 123456);
        CheckpointEvent c = roundTrip(CheckpointEvent.of(SPEC, 2, 32, ckpt, 0.31), CheckpointEvent.class);
        assertEquals("runs/exp-1a2b-x-p7/checkpoints/epoch-0002.safetensors", c.objectKey());
        assertEquals(SPEC, c.spec());

        ObjectStore.Stored grid = new ObjectStore.Stored(ObjectLayout.grid(SPEC.runId(), 2), "cd".repeat(32), 2000);
        ObjectStore.Stored batch =
                new ObjectStore.Stored(ObjectLayout.samples(SPEC.runId(), 2), "ef".repeat(32), 800000);
        SamplesEvent s = roundTrip(SamplesEvent.of(c, grid, batch, 256), SamplesEvent.class);
        assertEquals(0.31, s.trainLoss());
        assertEquals(c.objectKey(), s.checkpointKey());

        EvaluationEvent e = roundTrip(EvaluationEvent.of(s, "classifier", 41.5, 6.1, 0.2), EvaluationEvent.class);
        assertEquals("fd_classifier", e.fdMetric());
        assertEquals("is_classifier", e.isMetric());
        assertEquals(256, e.numSamples());
        assertEquals(0.31, e.trainLoss());
        assertEquals("fid_inception", EvaluationEvent.fdMetric("inception"));

        RunEvent r = roundTrip(RunEvent.of(SPEC, 0, 1), RunEvent.class);
        assertEquals(SPEC, r.spec());
    }

    @Test
    void schemaVersionIsChecked() {
        String json = Json.encodeToString(RunStatus.queued(SPEC, 10));
        MessageException future = assertThrows(
                MessageException.class,
                () -> RunStatus.decode(json.replace("\"schemaVersion\":1", "\"schemaVersion\":2")
                        .getBytes()));
        assertEquals("schemaVersion", future.field());
        MessageException missing = assertThrows(
                MessageException.class,
                () -> RunStatus.decode(json.replace("\"schemaVersion\":1,", "").getBytes()));
        assertEquals("schemaVersion", missing.field());
        assertTrue(missing.reason().startsWith("missing"));
    }

    @Test
    void badEventsNameTheField() {
        String json = Json.encodeToString(RunStatus.queued(SPEC, 10));
        assertEquals(
                "state",
                assertThrows(
                                MessageException.class,
                                () -> RunStatus.decode(
                                        json.replace("QUEUED", "PAUSED").getBytes()))
                        .field());
        String run = Json.encodeToString(RunEvent.of(SPEC, 0, 1));
        MessageException missing = assertThrows(
                MessageException.class,
                () -> RunEvent.decode(run.replace("\"epochs\":2,", "").getBytes()));
        assertEquals("spec.train.epochs", missing.field());
        assertEquals("missing, expected an integer", missing.reason());
        assertEquals(
                "spec.prediction",
                assertThrows(
                                MessageException.class,
                                () -> RunEvent.decode(Json.encodeToString(RunEvent.of(SPEC, 0, 1))
                                        .replace("\"prediction\":\"x\"", "\"prediction\":\"y\"")
                                        .getBytes()))
                        .field());
    }

    /** a newer producer of the same schema version added fields: the event is read, not dead-lettered */
    @Test
    void fieldsAReaderDoesNotKnowAreSkippedWithinASchemaVersion() {
        RunEvent event = RunEvent.of(SPEC, 0, 1);
        String run = Json.encodeToString(event)
                .replace("\"batchSize\"", "\"gradClip\":1.0,\"batchSize\"")
                .replace("\"runCount\"", "\"priority\":{\"level\":\"high\"},\"runCount\"");
        assertTrue(run.contains("gradClip") && run.contains("priority"), run);
        RunEvent read = RunEvent.decode(run.getBytes());
        assertEquals(event, read);
        String status = Json.encodeToString(RunStatus.queued(SPEC, 10)).replace("{", "{\"node\":\"gpu-3\",");
        assertEquals(RunStatus.State.QUEUED, RunStatus.decode(status.getBytes()).state());
        // known fields keep every strict rule: a wrong type is still refused, naming the field
        assertEquals(
                "spec.train.batchSize",
                assertThrows(
                                MessageException.class,
                                () -> RunEvent.decode(run.replaceFirst("\"batchSize\":(\\d+)", "\"batchSize\":\"$1\"")
                                        .getBytes()))
                        .field());
    }

    @Test
    void keysAreRunIds() {
        List<PipelineMessage> all = List.of(RunStatus.queued(SPEC, 1), RunEvent.of(SPEC, 0, 1));
        assertTrue(all.stream().allMatch(m -> m.key().equals(SPEC.runId())));
    }
}
