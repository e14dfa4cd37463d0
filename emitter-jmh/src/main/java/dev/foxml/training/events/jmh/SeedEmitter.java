package dev.foxml.training.events.jmh;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The baseline: the obvious port of the original Python emitter ({@code _emit}: build a dict,
 * {@code json.dumps(event) + "\n"}, {@code socket.send}, else {@code open(path, "a")} and write).
 * Here a {@link LinkedHashMap} per event through Jackson databind's {@link ObjectMapper}, a
 * {@code DateTimeFormatter} timestamp, one blocking write per event to the socket, and for the
 * file an open-append-close per event. On the caller's thread, like the Python emitter. Its lines carry
 * the same keys as ours, so that both write lines of about the same size.
 */
final class SeedEmitter {
    private static final DateTimeFormatter ISO_MICROS =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSxxx");

    private final ObjectMapper mapper = new ObjectMapper();
    private final String runId;
    private final long startNanos = System.nanoTime();
    private long seq;

    SeedEmitter(String runId) {
        this.runId = runId;
    }

    long emitted() {
        return seq;
    }

    byte[] progressLine(String stage, double progressPct, String currentTarget, int complete, int total) {
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("event_type", "progress");
        event.put("stage", stage);
        event.put("progress_pct", progressPct);
        event.put("current_target", currentTarget);
        event.put("targets_complete", complete);
        event.put("targets_total", total);
        event.put("run_id", runId);
        event.put("timestamp", OffsetDateTime.now(ZoneOffset.UTC).format(ISO_MICROS));
        // The keys our emitter adds after timestamp, so that both write lines of the same size.
        event.put("seq", ++seq);
        event.put("elapsed_seconds", (System.nanoTime() - startNanos) / 1_000L / 1e6);
        event.put("eta_seconds", null);
        event.put("metrics", null);
        try {
            return (mapper.writeValueAsString(event) + "\n").getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code socket.send(line)}: one write per event (blocking channel). */
    static void send(SocketChannel socket, byte[] line) {
        try {
            ByteBuffer bytes = ByteBuffer.wrap(line);
            while (bytes.hasRemaining()) {
                socket.write(bytes);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code with open(path, "a") as f: f.write(line)}: open, append, close, per event. */
    static void append(Path file, byte[] line) {
        try {
            Files.write(file, line, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
