package dev.foxml.training.events.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.foxml.training.events.RunStatus;
import dev.foxml.training.events.TargetStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The real first reader, for real: a file written by our emitters (every event type, every
 * hostile string in every position, every number rule, three runs, synchronous and
 * asynchronous) is read by the seed's bridge loop (Part 3, verbatim: text mode, seek, readlines,
 * strip, {@code json.loads}) running in {@code python3}, which must lose no line. The script
 * then computes {@code get_training_status()}, renders it and each event the way Starlette sends
 * them (JSON response with {@code allow_nan=False}; WebSocket text encoded as UTF-8), and checks
 * every event the way the Rust view's serde struct would take it ({@code usize} counts,
 * finite {@code f64}s, strings, no NaN constants, no duplicate keys). The lines include every
 * key and type the bridge has never seen: {@code run_start} first in each run (with
 * {@code params}), {@code seq}, {@code emitter_id}, {@code worker}, {@code elapsed_seconds},
 * {@code eta_seconds}, {@code metrics}, {@code epoch}, {@code step}, {@code throughput},
 * {@code duration_seconds}; the Rust struct is checked as if it also read {@code epoch} and
 * {@code step} as {@code usize} and {@code throughput} as {@code f64}. Skipped without python3.
 */
class PythonBridgeAcceptanceTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static final String BRIDGE_SCRIPT = """
            import json, math, sys
            from pathlib import Path

            TRAINING_EVENT_FILE = Path(sys.argv[1])

            # ---- seed Part 3: the body of watch_training_events(), one poll; only the counters are ours ----
            recent_training_events = []
            MAX_RECENT_TRAINING_EVENTS = 50
            last_position = 0
            lines_read = 0
            parse_failures = 0
            poll_errors = []
            events = []

            def poll():
                global last_position, lines_read, parse_failures
                try:
                    if TRAINING_EVENT_FILE.exists():
                        with open(TRAINING_EVENT_FILE, "r") as f:
                            f.seek(last_position)
                            new_lines = f.readlines()
                            last_position = f.tell()

                            for line in new_lines:
                                lines_read += 1
                                line = line.strip()
                                if line:
                                    try:
                                        event = json.loads(line)
                                        recent_training_events.append(event)
                                        if len(recent_training_events) > MAX_RECENT_TRAINING_EVENTS:
                                            recent_training_events.pop(0)
                                        events.append((line, event))
                                    except json.JSONDecodeError:
                                        parse_failures += 1
                except Exception as e:
                    poll_errors.append(repr(e))

            # ---- seed Part 3: get_training_status() ----
            def get_training_status():
                if not recent_training_events:
                    return {"running": False, "events": []}
                latest = recent_training_events[-1]
                return {
                    "running": latest.get("event_type") != "run_complete",
                    "run_id": latest.get("run_id"),
                    "stage": latest.get("stage"),
                    "progress_pct": latest.get("progress_pct", 0),
                    "current_target": latest.get("current_target"),
                    "events": recent_training_events[-10:],
                }

            # ---- the Rust view's serde struct (seed Part 4), emulated strictly ----
            USIZE = ("targets_complete", "targets_total", "models_trained", "epoch", "step")
            F64 = ("progress_pct", "best_auc", "throughput")
            REQUIRED_STRING = ("event_type", "run_id", "emitter_id")
            OPTIONAL_STRING = ("stage", "current_target", "target", "status",
                               "previous_stage", "new_stage", "error_message", "error_type")

            def reject_constant(name):
                raise ValueError("non-standard number " + name)

            def reject_duplicates(pairs):
                keys = [k for k, _ in pairs]
                if len(keys) != len(set(keys)):
                    raise ValueError("duplicate key")
                return dict(pairs)

            def serde_check(text):
                obj = json.loads(text, parse_constant=reject_constant, object_pairs_hook=reject_duplicates)
                if not isinstance(obj, dict):
                    raise ValueError("not an object")
                for k in REQUIRED_STRING:
                    if not isinstance(obj.get(k), str):
                        raise ValueError(k + " is missing or not a String")
                for k in OPTIONAL_STRING:
                    v = obj.get(k)
                    if v is not None and not isinstance(v, str):
                        raise ValueError(k + " is not Option<String>: " + repr(v))
                for k in USIZE:
                    v = obj.get(k)
                    if v is not None and (type(v) is not int or v < 0 or v > 2 ** 64 - 1):
                        raise ValueError(k + " is not Option<usize>: " + repr(v))
                for k in F64:
                    v = obj.get(k)
                    if v is not None and (type(v) not in (int, float) or not math.isfinite(v)):
                        raise ValueError(k + " is not Option<f64>: " + repr(v))
                v = obj.get("recoverable")
                if v is not None and type(v) is not bool:
                    raise ValueError("recoverable is not Option<bool>: " + repr(v))
                for k, v in obj.items():
                    for s in (k, v):
                        if isinstance(s, str):
                            s.encode("utf-8")  # serde_json rejects unpaired surrogates

            poll()

            send_failures = []
            serde_failures = []
            for i, (line, event) in enumerate(events):
                try:
                    serde_check(line)
                except Exception as e:
                    serde_failures.append("line of event %d: %r" % (i + 1, e))
                try:
                    # Starlette's WebSocket.send_json, then the UTF-8 encoding of the text frame
                    text = json.dumps(event, separators=(",", ":"), ensure_ascii=False)
                    text.encode("utf-8")
                    serde_check(text)
                except Exception as e:
                    send_failures.append("event %d: %r" % (i + 1, e))

            status = get_training_status()
            status_render_error = None
            try:
                # Starlette's JSONResponse.render
                json.dumps(status, ensure_ascii=False, allow_nan=False, indent=None,
                           separators=(",", ":")).encode("utf-8")
            except Exception as e:
                status_render_error = repr(e)
            status["events"] = len(status["events"])

            print(json.dumps({
                "lines_read": lines_read,
                "events": len(events),
                "parse_failures": parse_failures,
                "poll_errors": poll_errors,
                "serde_failures": serde_failures[:20],
                "serde_failure_count": len(serde_failures),
                "send_failures": send_failures[:20],
                "send_failure_count": len(send_failures),
                "status": status,
                "status_render_error": status_render_error,
            }))
            """;

    @TempDir
    Path tempDir;

    @Test
    void seedBridgeLoopReadsEveryLineAndRustStructTakesEveryEvent() throws Exception {
        Optional<Path> python = onPath("python3");
        assumeTrue(python.isPresent(), "python3 is not on PATH");

        Path events = tempDir.resolve("events.jsonl");
        long emitted = writeEverything(events);
        int linesInFile = WireValidator.validateAll(events).size();
        assertEquals(emitted, linesInFile, "one line in the file per event emitted");

        Path script = tempDir.resolve("bridge_loop.py");
        Files.writeString(script, BRIDGE_SCRIPT, StandardCharsets.UTF_8);
        JsonNode result = runPython(python.get(), script, events);

        assertEquals(0, result.get("poll_errors").size(), "the bridge's poll failed: " + result.get("poll_errors"));
        assertEquals(0, result.get("parse_failures").intValue(), "lines the bridge silently dropped");
        assertEquals(linesInFile, result.get("lines_read").intValue(), "lines as Python's text mode splits them");
        assertEquals(emitted, result.get("events").intValue(), "events the bridge keeps");
        assertEquals(0, result.get("serde_failure_count").intValue(),
                "lines the Rust view could not deserialise: " + result.get("serde_failures"));
        assertEquals(0, result.get("send_failure_count").intValue(),
                "events the bridge could not send on /ws/training: " + result.get("send_failures"));
        assertTrue(result.get("status_render_error").isNull(),
                "/api/training/status fails to render: " + result.get("status_render_error"));

        JsonNode status = result.get("status");
        assertFalse(status.get("running").booleanValue(), "the last run completed: not running");
        assertEquals("run-final", status.get("run_id").textValue());
        assertTrue(status.get("stage").isNull());
        assertEquals(0, status.get("progress_pct").intValue());
        assertEquals(10, status.get("events").intValue());
    }

    /** Three runs into one file; returns the number of events they emitted (counted by the emitters). */
    private long writeEverything(Path file) {
        long emitted = 0;
        // A run with a hostile run id through which every hostile string and number passes.
        String hostileRunId = "run-\u00e4\"\\\t\u2028\uD800-\uD83D\uDE00";
        try (DefaultTrainingEventEmitter e = emitter(hostileRunId, file, true)) {
            for (HostileStringsTest.Position position : HostileStringsTest.Position.values()) {
                for (HostileStringsTest.Hostile h : HostileStringsTest.HOSTILE) {
                    position.emit(e, h.value());
                }
            }
            for (HostileStringsTest.NumberCase c : HostileStringsTest.numberCases()) {
                c.call().accept(e);
            }
            e.close();
            emitted += e.stats().emitted();
        }
        // A run that dies without run_complete: close() reports it cancelled.
        try (DefaultTrainingEventEmitter e = emitter("run-abandoned", file, true)) {
            e.emitStageChange(null, "ranking");
            e.emitProgress("ranking", 12.5, "ret_5m", 0, 3);
            e.close();
            emitted += e.stats().emitted();
        }
        // Issue 6's additions: a worker id on every line, run tags, metrics (with NaN and the
        // infinities, written as null), an exception as an error event, a failed run.
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put("experiment", "baseline \u00e4");
        tags.put("seed", null);
        Map<String, Number> metrics = new LinkedHashMap<>();
        metrics.put("loss", 0.25);
        metrics.put("lr", 1e-4);
        metrics.put("epoch", 3);
        metrics.put("nan", Double.NaN);
        metrics.put("inf", Double.NEGATIVE_INFINITY);
        metrics.put("big", Long.MAX_VALUE);
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("learning_rate", 0.05);
        params.put("max_depth", 6);
        params.put("objective", "binary:logistic \u00e4\u2028");
        params.put("early_stopping", true);
        params.put("nan", Double.NaN);
        params.put("none", null);
        try (DefaultTrainingEventEmitter e = builder("run-extras", file, true).worker("rank-\u00e4").tags(tags)
                .params(params).build()) {
            e.emitStageChange("training");
            e.emitProgress("training", 50.0, "ret_5m", 1, 2, metrics);
            e.emitProgress("training", 51.0, "ret_5m", 1, 2, 3, 1200, 2048.5, metrics);
            e.emitProgress("training", 52.0, "ret_5m", 1, 2, -7, Long.MAX_VALUE, Double.NEGATIVE_INFINITY, null);
            e.emitProgressWithItemCount("training", 53.0, null, 1, 2, 3, 1201, 1_000, null);
            e.emitProgressWithItemCount("training", 54.0, null, 1, 2, 3, 1202, 3_000, null);
            e.emitTargetComplete("ret_5m", TargetStatus.SUCCESS, 2, 0.7, metrics);
            e.emitError(new IllegalStateException("boom \"x\""), false);
            e.emitRunComplete(RunStatus.FAILED);
            e.close();
            emitted += e.stats().emitted();
        }
        // The seed trainer's flow (Part 2) through the asynchronous writer thread.
        try (DefaultTrainingEventEmitter e = emitter("run-final", file, false)) {
            String[] targets = {"ret_5m", "ret_15m", "ret_1h"};
            e.emitStageChange(null, "ranking");
            e.emitProgress("ranking", 0);
            e.emitProgress("ranking", 100, null, 0, targets.length);
            e.emitStageChange("ranking", "training");
            for (int i = 0; i < targets.length; i++) {
                e.emitProgress("training", ((double) i / targets.length) * 100, targets[i], i, targets.length);
                e.emitTargetComplete(targets[i], i == 1 ? TargetStatus.FAILED : TargetStatus.SUCCESS,
                        i == 1 ? 0 : 3, i == 1 ? Double.NaN : 0.61 + i / 100.0);
            }
            e.emitProgress("training", 100, null, targets.length, targets.length);
            e.emitRunComplete(RunStatus.SUCCESS);
            assertTrue(e.flush(), "the writer thread delivered everything");
            e.close();
            assertEquals(0, e.stats().dropped(), "nothing dropped");
            emitted += e.stats().emitted();
        }
        return emitted;
    }

    private DefaultTrainingEventEmitter emitter(String runId, Path file, boolean synchronous) {
        return builder(runId, file, synchronous).build();
    }

    private TrainingEventEmitterBuilder builder(String runId, Path file, boolean synchronous) {
        return Lines.hermetic(runId, tempDir, file)
                .synchronous(synchronous)
                .maxStringChars(HostileStringsTest.MAX);
    }

    private JsonNode runPython(Path python, Path script, Path events) throws IOException, InterruptedException {
        Path out = tempDir.resolve("python.out");
        Path err = tempDir.resolve("python.err");
        Process process = new ProcessBuilder(python.toString(), script.toString(), events.toString())
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .start();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail("the Python bridge loop did not finish within 30 s; stderr: " + Files.readString(err));
        }
        String stderr = Files.readString(err);
        assertEquals(0, process.exitValue(), "python3 failed: " + stderr);
        String stdout = Files.readString(out);
        try {
            return JSON.readTree(stdout);
        } catch (IOException e) {
            throw new AssertionError("unreadable output of the Python bridge loop: " + stdout + "\n" + stderr, e);
        }
    }

    private static Optional<Path> onPath(String command) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, command);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }
}
