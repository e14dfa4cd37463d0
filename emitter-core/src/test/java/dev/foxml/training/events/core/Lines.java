package dev.foxml.training.events.core;

import dev.foxml.training.events.core.delivery.BatchBuffer;
import dev.foxml.training.events.core.encode.EventEncoder;
import dev.foxml.training.events.core.queue.EventSlot;
import dev.foxml.training.events.core.queue.EventType;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Small helpers of the tests: hermetic emitters, encoded lines, the seqs in a file, keys and times. */
final class Lines {
    private Lines() {
    }

    /**
     * A synchronous emitter's builder that reads nothing from the machine's environment or system
     * properties (no worker, tags, mode or heartbeat from outside), writing to {@code file}.
     */
    static TrainingEventEmitterBuilder hermetic(String runId, Path dir, Path file) {
        return DefaultTrainingEventEmitter.builder(runId)
                .environment(name -> null)
                .properties(name -> null)
                .socketPath(dir.resolve("none.sock"))
                .filePath(file)
                .synchronous(true)
                .shutdownHook(false);
    }

    /**
     * A slot for encoder tests that vary the same few arguments across event types: {@code s1}
     * and {@code s2} are the type's two strings, {@code d1} its number, {@code i1}/{@code i2} its
     * counts, in the order of the emit method's parameters.
     */
    static EventSlot slot(EventType type, String s1, String s2, double d1, int i1, int i2, long micros, long seq) {
        EventSlot slot = new EventSlot();
        switch (type) {
            case PROGRESS -> slot.progress(s1, d1, s2, i1, i2, -1, -1, Double.NaN, false, null, null);
            case STAGE_CHANGE -> slot.stageChange(s1, s2, false);
            case TARGET_COMPLETE -> slot.targetComplete(s1, s2, i1, d1, null, null);
            case RUN_COMPLETE -> slot.runComplete(s1);
            case ERROR -> slot.error(s1, s2, false);
            case RUN_START -> slot.runStart();
            case HEARTBEAT -> slot.heartbeat();
        }
        slot.timestampMicros = micros;
        slot.seq = seq;
        return slot;
    }

    /** Encodes one slot and validates the line; the buffer is cleared first. */
    static JsonNode encode(EventEncoder encoder, BatchBuffer out, EventSlot slot) {
        return WireValidator.validate(encodedLine(encoder, out, slot));
    }

    /** Encodes one slot: the line exactly as written, newline included; the buffer is cleared first. */
    static String encodedLine(EventEncoder encoder, BatchBuffer out, EventSlot slot) {
        out.clear();
        int problems = encoder.encode(slot);
        assertNotEquals(-1, problems, "the slot could not be encoded");
        ByteBuffer bytes = out.flipForWrite();
        byte[] copy = new byte[bytes.remaining()];
        bytes.get(copy);
        return new String(copy, StandardCharsets.UTF_8);
    }

    static List<String> keys(JsonNode node) {
        List<String> keys = new ArrayList<>();
        Iterator<String> it = node.fieldNames();
        it.forEachRemaining(keys::add);
        return keys;
    }

    static List<String> types(List<JsonNode> lines) {
        return lines.stream().map(l -> l.get("event_type").textValue()).toList();
    }

    static OffsetDateTime time(JsonNode line, String field) {
        return OffsetDateTime.parse(line.get(field).textValue());
    }

    /** Microseconds from {@code from} to {@code to}. */
    static long micros(OffsetDateTime from, OffsetDateTime to) {
        Duration d = Duration.between(from, to);
        return d.getSeconds() * 1_000_000L + d.getNano() / 1_000;
    }

    /** {@code elapsed_seconds}, or {@code duration_seconds} for run_complete. */
    static double elapsed(JsonNode line) {
        return (line.has("duration_seconds") ? line.get("duration_seconds") : line.get("elapsed_seconds"))
                .doubleValue();
    }

    /** The seq of every line, each line validated; no NUL byte in the file. */
    static List<Long> seqs(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        for (byte b : bytes) {
            assertTrue(b != 0, () -> "a NUL byte in " + file);
        }
        return seqsOf(new String(bytes, StandardCharsets.UTF_8), file.toString());
    }

    static List<Long> seqsOf(String content, String where) {
        List<Long> seqs = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < content.length(); i++) {
            if (content.charAt(i) == '\n') {
                JsonNode event = WireValidator.validate(content.substring(start, i + 1));
                seqs.add(event.get("seq").asLong());
                start = i + 1;
            }
        }
        assertEquals(content.length(), start, () -> "the last line of " + where + " is whole");
        return seqs;
    }
}
