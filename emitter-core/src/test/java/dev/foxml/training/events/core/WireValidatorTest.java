package dev.foxml.training.events.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The validator every delivery test relies on rejects what the readers would reject, and only that. */
class WireValidatorTest {

    private static final ObjectMapper LENIENT = new ObjectMapper();
    private static final String TS = "\"timestamp\": \"2026-01-21T12:34:56.123456+00:00\"";
    private static final String PROGRESS = "{\"event_type\": \"progress\", \"stage\": \"training\", \"progress_pct\": 60.0,"
            + " \"current_target\": \"ret_5m\", \"targets_complete\": 3, \"targets_total\": 5, \"run_id\": \"run-1\","
            + " " + TS + ", \"seq\": 1, \"emitter_id\": \"0123456789abcdef\", \"elapsed_seconds\": 12.5, \"eta_seconds\": 8.25, \"metrics\": {\"loss\": 0.25},"
            + " \"epoch\": 3, \"step\": 1200, \"throughput\": 512.5}\n";
    private static final String TARGET = "{\"event_type\": \"target_complete\", \"target\": \"t\", \"status\": \"failed\","
            + " \"models_trained\": 0, \"best_auc\": null, \"run_id\": \"r\","
            + " " + TS + ", \"seq\": 7, \"emitter_id\": \"0123456789abcdef\", \"elapsed_seconds\": 0.0, \"metrics\": null}\n";
    private static final String ERROR = "{\"event_type\": \"error\", \"error_message\": \"m\", \"error_type\": \"t\","
            + " \"recoverable\": true, \"run_id\": \"r\", " + TS + ", \"seq\": 2, \"emitter_id\": \"0123456789abcdef\", \"elapsed_seconds\": 1}\n";
    private static final String STAGE_CHANGE = "{\"event_type\": \"stage_change\", \"previous_stage\": null,"
            + " \"new_stage\": \"x\", \"run_id\": \"r\", " + TS + ", \"seq\": 3, \"emitter_id\": \"0123456789abcdef\", \"elapsed_seconds\": 2.000001}\n";
    private static final String RUN_COMPLETE = "{\"event_type\": \"run_complete\", \"status\": \"cancelled\", \"run_id\": \"r\","
            + " " + TS + ", \"seq\": 4, \"emitter_id\": \"0123456789abcdef\", \"duration_seconds\": 3.5}\n";
    private static final String RUN_START = "{\"event_type\": \"run_start\", \"pid\": 4242, \"host\": \"gpu-7\","
            + " \"jvm_version\": \"17.0.15+6\", \"start_time\": \"2026-01-21T12:34:56.000001+00:00\","
            + " \"tags\": {\"experiment\": \"baseline\", \"seed\": null}, \"run_id\": \"r\", " + TS + ","
            + " \"seq\": 1, \"emitter_id\": \"0123456789abcdef\", \"elapsed_seconds\": 0.000123,"
            + " \"params\": {\"learning_rate\": 0.05, \"max_depth\": 6, \"early_stopping\": true, \"objective\": \"binary:logistic\", \"warm_start\": null}}\n";
    private static final String HEARTBEAT = "{\"event_type\": \"heartbeat\", \"stage\": \"training\", \"progress_pct\": 40,"
            + " \"current_target\": \"ret_5m\", \"targets_complete\": 2, \"targets_total\": 5, \"run_id\": \"r\","
            + " " + TS + ", \"seq\": 9, \"emitter_id\": \"0123456789abcdef\", \"elapsed_seconds\": 31.0}\n";

    /** The line with {@code "worker": "rank-0"} where it belongs: right after seq and emitter_id. */
    private static String withWorker(String line) {
        return line.replaceFirst("(\"emitter_id\": \"[0-9a-f]+\")", "$1, \"worker\": \"rank-0\"");
    }

    static Stream<Arguments> accepted() {
        return Stream.of(
                Arguments.of("progress", PROGRESS),
                Arguments.of("integer percent", PROGRESS.replace("60.0", "60")),
                Arguments.of("null percent", PROGRESS.replace("60.0", "null")),
                Arguments.of("null current_target", PROGRESS.replace("\"ret_5m\"", "null")),
                Arguments.of("unknown additive keys at the end", PROGRESS.replace("512.5}\n", "512.5, \"host\": {\"a\": [1]}}\n")),
                Arguments.of("no white space", PROGRESS.replace(", ", ",").replace(": ", ":")),
                Arguments.of("escaped pair and raw UTF-8", PROGRESS.replace("ret_5m", "\\ud83d\\ude00 \u00e4\u20ac")),
                Arguments.of("null eta", PROGRESS.replace("8.25", "null")),
                Arguments.of("eta 0", PROGRESS.replace("8.25", "0")),
                Arguments.of("null metrics", PROGRESS.replace("{\"loss\": 0.25}", "null")),
                Arguments.of("empty metrics", PROGRESS.replace("{\"loss\": 0.25}", "{}")),
                Arguments.of("null metric value", PROGRESS.replace("0.25", "null")),
                Arguments.of("64 metrics", PROGRESS.replace("{\"loss\": 0.25}", metrics(64))),
                Arguments.of("progress with worker", withWorker(PROGRESS)),
                Arguments.of("progress without epoch, step, throughput", PROGRESS.replace("3, \"step\": 1200, \"throughput\": 512.5", "null, \"step\": null, \"throughput\": null")),
                Arguments.of("epoch 0, step 0, throughput 0", PROGRESS.replace("3, \"step\": 1200, \"throughput\": 512.5", "0, \"step\": 0, \"throughput\": 0")),
                Arguments.of("integer throughput", PROGRESS.replace("512.5", "512")),
                Arguments.of("run_start without params", RUN_START.replace(PARAMS, "null")),
                Arguments.of("run_start with empty params", RUN_START.replace(PARAMS, "{}")),
                Arguments.of("32 params", RUN_START.replace(PARAMS, metrics(32))),
                Arguments.of("target_complete", TARGET),
                Arguments.of("target_complete with metrics", TARGET.replace("\"metrics\": null", "\"metrics\": {\"acc\": 1}")),
                Arguments.of("error", ERROR),
                Arguments.of("error with worker", withWorker(ERROR)),
                Arguments.of("stage_change", STAGE_CHANGE),
                Arguments.of("run_complete", RUN_COMPLETE),
                Arguments.of("run_complete with worker", withWorker(RUN_COMPLETE)),
                Arguments.of("run_start", RUN_START),
                Arguments.of("run_start without tags", RUN_START.replace("{\"experiment\": \"baseline\", \"seed\": null}", "null")),
                Arguments.of("run_start with worker", withWorker(RUN_START)),
                Arguments.of("heartbeat", HEARTBEAT),
                Arguments.of("heartbeat before any progress", HEARTBEAT.replace("\"training\"", "null")
                        .replace("40", "null").replace("\"ret_5m\"", "null")
                        .replace("\"targets_complete\": 2, \"targets_total\": 5", "\"targets_complete\": 0, \"targets_total\": 0")),
                Arguments.of("heartbeat with worker", withWorker(HEARTBEAT)));
    }

    private static String metrics(int n) {
        StringBuilder sb = new StringBuilder("{");
        for (int i = 0; i < n; i++) {
            sb.append(i == 0 ? "" : ", ").append("\"m").append(i).append("\": ").append(i);
        }
        return sb.append('}').toString();
    }

    private static final String PARAMS = "{\"learning_rate\": 0.05, \"max_depth\": 6, \"early_stopping\": true,"
            + " \"objective\": \"binary:logistic\", \"warm_start\": null}";

    static Stream<Arguments> rejected() {
        return Stream.of(
                Arguments.of("no newline", PROGRESS.trim()),
                Arguments.of("two newlines", PROGRESS + "\n"),
                Arguments.of("CRLF", PROGRESS.replace("\n", "\r\n")),
                Arguments.of("raw CR inside", PROGRESS.replace("ret_5m", "ret\r5m")),
                Arguments.of("raw unpaired surrogate", PROGRESS.replace("ret_5m", "ret\uD800")),
                Arguments.of("NaN", PROGRESS.replace("60.0", "NaN")),
                Arguments.of("Infinity", PROGRESS.replace("60.0", "Infinity")),
                Arguments.of("overflowing float", TARGET.replace("null", "1e400")),
                Arguments.of("trailing tokens", PROGRESS.replace("\n", "{}\n")),
                Arguments.of("trailing comma", PROGRESS.replace("512.5}\n", "512.5,}\n")),
                Arguments.of("comment", PROGRESS.replace("{", "/* c */{")),
                Arguments.of("single quotes", PROGRESS.replace("\"ret_5m\"", "'ret_5m'")),
                Arguments.of("raw tab in a string", PROGRESS.replace("ret_5m", "ret\t5m")),
                Arguments.of("duplicate key", PROGRESS.replace("512.5}\n", "512.5, \"stage\": \"x\"}\n")),
                Arguments.of("not an object", "[1]\n"),
                Arguments.of("unknown event type", ERROR.replace("\"error\"", "\"checkpoint\"")),
                Arguments.of("keys out of order", PROGRESS.replace("\"targets_complete\": 3, \"targets_total\": 5",
                        "\"targets_total\": 5, \"targets_complete\": 3")),
                Arguments.of("run_id before the fields", PROGRESS.replace(" \"run_id\": \"run-1\",", "")
                        .replace("\"stage\"", "\"run_id\": \"run-1\", \"stage\"")),
                Arguments.of("extra key before timestamp", PROGRESS.replace("\"run_id\"", "\"x\": 1, \"run_id\"")),
                Arguments.of("missing field", PROGRESS.replace(" \"current_target\": \"ret_5m\",", "")),
                Arguments.of("no seq", PROGRESS.replace(", \"seq\": 1", "")),
                Arguments.of("seq after elapsed_seconds", ERROR.replace("\"seq\": 2, \"emitter_id\": \"0123456789abcdef\", \"elapsed_seconds\": 1", "\"emitter_id\": \"0123456789abcdef\", \"elapsed_seconds\": 1, \"seq\": 2")),
                Arguments.of("additive key before seq", PROGRESS.replace("\"seq\": 1", "\"pid\": 9, \"seq\": 1")),
                Arguments.of("seq negative", PROGRESS.replace("\"seq\": 1", "\"seq\": -1")),
                Arguments.of("seq 0", PROGRESS.replace("\"seq\": 1", "\"seq\": 0")),
                Arguments.of("seq 1.0", PROGRESS.replace("\"seq\": 1", "\"seq\": 1.0")),
                Arguments.of("count as float", PROGRESS.replace("\"targets_complete\": 3", "\"targets_complete\": 3.0")),
                Arguments.of("count with exponent", PROGRESS.replace("\"targets_complete\": 3", "\"targets_complete\": 3e0")),
                Arguments.of("negative count", TARGET.replace("\"models_trained\": 0", "\"models_trained\": -1")),
                Arguments.of("count beyond 64 bits", TARGET.replace("\"models_trained\": 0", "\"models_trained\": 99999999999999999999999")),
                Arguments.of("null count", TARGET.replace("\"models_trained\": 0", "\"models_trained\": null")),
                Arguments.of("percent above 100", PROGRESS.replace("60.0", "100.5")),
                Arguments.of("percent below 0", PROGRESS.replace("60.0", "-0.5")),
                Arguments.of("percent as string", PROGRESS.replace("60.0", "\"60\"")),
                Arguments.of("auc as string", TARGET.replace("null", "\"0.7\"")),
                Arguments.of("null stage", PROGRESS.replace("\"training\"", "null")),
                Arguments.of("target status not allowed", TARGET.replace("\"failed\"", "\"cancelled\"")),
                Arguments.of("run status not allowed", RUN_COMPLETE.replace("\"cancelled\"", "\"skipped\"")),
                Arguments.of("recoverable as string", ERROR.replace("true", "\"true\"")),
                Arguments.of("run_id null", ERROR.replace("\"run_id\": \"r\"", "\"run_id\": null")),
                Arguments.of("timestamp with Z", PROGRESS.replace("+00:00", "Z")),
                Arguments.of("timestamp in milliseconds", PROGRESS.replace(".123456+", ".123+")),
                Arguments.of("timestamp not UTC", PROGRESS.replace("+00:00", "+01:00")),
                Arguments.of("timestamp month 13", PROGRESS.replace("2026-01-21", "2026-13-21")),
                Arguments.of("escaped lone surrogate", PROGRESS.replace("ret_5m", "ret\\ud800")),
                Arguments.of("escaped reversed pair", PROGRESS.replace("ret_5m", "\\ude00\\ud83d")),
                // the additive keys
                Arguments.of("no elapsed_seconds", ERROR.replace(", \"elapsed_seconds\": 1", "")),
                Arguments.of("negative elapsed_seconds", ERROR.replace("\"elapsed_seconds\": 1", "\"elapsed_seconds\": -0.5")),
                Arguments.of("elapsed_seconds as string", ERROR.replace("\"elapsed_seconds\": 1", "\"elapsed_seconds\": \"1\"")),
                Arguments.of("null elapsed_seconds", ERROR.replace("\"elapsed_seconds\": 1", "\"elapsed_seconds\": null")),
                Arguments.of("run_complete with elapsed_seconds", RUN_COMPLETE.replace("duration_seconds", "elapsed_seconds")),
                Arguments.of("run_complete with both", RUN_COMPLETE.replace("3.5}", "3.5, \"elapsed_seconds\": 3.5}")),
                Arguments.of("error with duration_seconds", ERROR.replace("elapsed_seconds", "duration_seconds")),
                Arguments.of("negative duration_seconds", RUN_COMPLETE.replace("3.5", "-3.5")),
                Arguments.of("worker after elapsed_seconds", ERROR.replace("\"elapsed_seconds\": 1", "\"elapsed_seconds\": 1, \"worker\": \"w\"")),
                Arguments.of("worker null", withWorker(ERROR).replace("\"rank-0\"", "null")),
                Arguments.of("worker a number", withWorker(ERROR).replace("\"rank-0\"", "0")),
                Arguments.of("progress without eta_seconds", PROGRESS.replace(" \"eta_seconds\": 8.25,", "")),
                Arguments.of("progress without metrics", PROGRESS.replace(", \"metrics\": {\"loss\": 0.25}", "")),
                Arguments.of("metrics before eta_seconds", PROGRESS.replace("\"eta_seconds\": 8.25, \"metrics\": {\"loss\": 0.25}",
                        "\"metrics\": {\"loss\": 0.25}, \"eta_seconds\": 8.25")),
                Arguments.of("negative eta", PROGRESS.replace("8.25", "-1")),
                Arguments.of("eta as string", PROGRESS.replace("8.25", "\"soon\"")),
                Arguments.of("metrics as array", PROGRESS.replace("{\"loss\": 0.25}", "[0.25]")),
                Arguments.of("metric value a string", PROGRESS.replace("0.25", "\"0.25\"")),
                Arguments.of("metric value an object", PROGRESS.replace("0.25", "{\"v\": 1}")),
                Arguments.of("metric value NaN", PROGRESS.replace("0.25", "NaN")),
                Arguments.of("65 metrics", PROGRESS.replace("{\"loss\": 0.25}", metrics(65))),
                Arguments.of("target_complete without metrics", TARGET.replace(", \"metrics\": null", "")),
                Arguments.of("target_complete with eta", TARGET.replace("\"metrics\": null", "\"eta_seconds\": 1, \"metrics\": null")),
                Arguments.of("metrics on an error", ERROR.replace("\"elapsed_seconds\": 1", "\"elapsed_seconds\": 1, \"metrics\": null")),
                Arguments.of("eta on a heartbeat", HEARTBEAT.replace("31.0}", "31.0, \"eta_seconds\": 1}")),
                Arguments.of("run_start pid 0", RUN_START.replace("4242", "0")),
                Arguments.of("run_start pid as float", RUN_START.replace("4242", "4242.0")),
                Arguments.of("run_start pid as string", RUN_START.replace("4242", "\"4242\"")),
                Arguments.of("run_start null host", RUN_START.replace("\"gpu-7\"", "null")),
                Arguments.of("run_start null jvm_version", RUN_START.replace("\"17.0.15+6\"", "null")),
                Arguments.of("run_start start_time with Z", RUN_START.replace("000001+00:00", "000001Z")),
                Arguments.of("run_start start_time not a date", RUN_START.replace("2026-01-21T12:34:56.000001", "2026-02-30T12:34:56.000001")),
                Arguments.of("run_start tags as array", RUN_START.replace("{\"experiment\": \"baseline\", \"seed\": null}", "[\"baseline\"]")),
                Arguments.of("run_start tag value a number", RUN_START.replace("\"seed\": null", "\"seed\": 7")),
                Arguments.of("run_start without tags key", RUN_START.replace(" \"tags\": {\"experiment\": \"baseline\", \"seed\": null},", "")),
                Arguments.of("run_start fields out of order", RUN_START.replace("\"pid\": 4242, \"host\": \"gpu-7\"", "\"host\": \"gpu-7\", \"pid\": 4242")),
                Arguments.of("heartbeat percent above 100", HEARTBEAT.replace("40", "101")),
                Arguments.of("heartbeat count as float", HEARTBEAT.replace("\"targets_complete\": 2", "\"targets_complete\": 2.0")),
                Arguments.of("heartbeat stage a number", HEARTBEAT.replace("\"training\"", "1")),
                Arguments.of("heartbeat without targets_total", HEARTBEAT.replace(", \"targets_total\": 5", "")),
                // emitter_id
                Arguments.of("no emitter_id", ERROR.replace("\"emitter_id\": \"0123456789abcdef\", ", "")),
                Arguments.of("emitter_id upper case", ERROR.replace("0123456789abcdef", "0123456789ABCDEF")),
                Arguments.of("emitter_id too short", ERROR.replace("0123456789abcdef", "0123456789abcde")),
                Arguments.of("emitter_id a number", ERROR.replace("\"0123456789abcdef\"", "123456789")),
                Arguments.of("emitter_id null", ERROR.replace("\"0123456789abcdef\"", "null")),
                Arguments.of("emitter_id before seq", ERROR.replace("\"seq\": 2, \"emitter_id\": \"0123456789abcdef\"", "\"emitter_id\": \"0123456789abcdef\", \"seq\": 2")),
                Arguments.of("worker before emitter_id", ERROR.replace("\"emitter_id\": \"0123456789abcdef\", ", "\"worker\": \"w\", \"emitter_id\": \"0123456789abcdef\", ")),
                // epoch, step, throughput
                Arguments.of("progress without epoch", PROGRESS.replace(" \"epoch\": 3,", "")),
                Arguments.of("progress without throughput", PROGRESS.replace(", \"throughput\": 512.5", "")),
                Arguments.of("step before epoch", PROGRESS.replace("\"epoch\": 3, \"step\": 1200", "\"step\": 1200, \"epoch\": 3")),
                Arguments.of("epoch before metrics", PROGRESS.replace("\"metrics\": {\"loss\": 0.25}, \"epoch\": 3", "\"epoch\": 3, \"metrics\": {\"loss\": 0.25}")),
                Arguments.of("negative epoch", PROGRESS.replace("\"epoch\": 3", "\"epoch\": -1")),
                Arguments.of("epoch as float", PROGRESS.replace("\"epoch\": 3", "\"epoch\": 3.0")),
                Arguments.of("step as string", PROGRESS.replace("1200", "\"1200\"")),
                Arguments.of("negative throughput", PROGRESS.replace("512.5", "-1.5")),
                Arguments.of("throughput as string", PROGRESS.replace("512.5", "\"fast\"")),
                Arguments.of("epoch on a heartbeat", HEARTBEAT.replace("31.0}", "31.0, \"epoch\": 1}")),
                Arguments.of("throughput on target_complete", TARGET.replace("\"metrics\": null", "\"metrics\": null, \"throughput\": 1")),
                // params
                Arguments.of("run_start without params", RUN_START.replace(", \"params\": " + PARAMS, "")),
                Arguments.of("params before elapsed_seconds", RUN_START.replace("\"elapsed_seconds\": 0.000123, \"params\": " + PARAMS, "\"params\": " + PARAMS + ", \"elapsed_seconds\": 0.000123")),
                Arguments.of("params as array", RUN_START.replace(PARAMS, "[1]")),
                Arguments.of("param value an object", RUN_START.replace("\"binary:logistic\"", "{\"a\": 1}")),
                Arguments.of("param value an array", RUN_START.replace("\"binary:logistic\"", "[1, 2]")),
                Arguments.of("33 params", RUN_START.replace(PARAMS, metrics(33))),
                Arguments.of("params on a progress", PROGRESS.replace("512.5}", "512.5, \"params\": null}")));
    }

    @ParameterizedTest(name = "accepts {0}")
    @MethodSource("accepted")
    void acceptsValidLines(String name, String line) {
        JsonNode event = WireValidator.validate(line);
        assertTrue(event.isObject());
    }

    @ParameterizedTest(name = "rejects {0}")
    @MethodSource("rejected")
    void rejectsInvalidLines(String name, String line) {
        AssertionError e = assertThrows(AssertionError.class, () -> WireValidator.validate(line));
        assertTrue(e.getMessage().startsWith("WIRE: "), e.getMessage());
    }

    /** The rejections that are about types, values and presence: the JSON Schema alone must make them too. */
    private static final Set<String> SCHEMA_REJECTS = Set.of(
            "unknown event type", "missing field", "no seq", "seq 0", "seq negative", "negative count", "null count",
            "percent above 100", "percent below 0", "percent as string", "auc as string", "null stage",
            "target status not allowed", "run status not allowed", "recoverable as string", "run_id null",
            "timestamp with Z", "timestamp in milliseconds", "timestamp not UTC",
            "no elapsed_seconds", "negative elapsed_seconds", "elapsed_seconds as string", "null elapsed_seconds",
            "run_complete with elapsed_seconds", "run_complete with both", "error with duration_seconds",
            "negative duration_seconds", "worker null", "worker a number", "progress without eta_seconds",
            "progress without metrics", "negative eta", "eta as string", "metrics as array", "metric value a string",
            "metric value an object", "65 metrics", "target_complete without metrics", "target_complete with eta",
            "metrics on an error", "eta on a heartbeat", "run_start pid 0", "run_start pid as string",
            "run_start null host", "run_start null jvm_version", "run_start start_time with Z",
            "run_start tags as array", "run_start tag value a number", "run_start without tags key",
            "heartbeat percent above 100", "heartbeat stage a number", "heartbeat without targets_total",
            "no emitter_id", "emitter_id upper case", "emitter_id too short", "emitter_id a number", "emitter_id null",
            "progress without epoch", "progress without throughput", "negative epoch", "step as string",
            "negative throughput", "throughput as string", "epoch on a heartbeat", "throughput on target_complete",
            "run_start without params", "params as array", "param value an object", "param value an array",
            "33 params", "params on a progress");

    static Stream<Arguments> rejectedBySchema() {
        return rejected().filter(a -> SCHEMA_REJECTS.contains((String) a.get()[0]));
    }

    @Test
    void everySchemaCaseIsARejectedCase() {
        assertEquals(SCHEMA_REJECTS.size(), rejectedBySchema().count(), "a name in SCHEMA_REJECTS matches no case");
    }

    @ParameterizedTest(name = "schema accepts {0}")
    @MethodSource("accepted")
    void theJsonSchemaAcceptsValidLines(String name, String line) throws Exception {
        assertEquals(List.of(), WireValidator.schemaErrors(LENIENT.readTree(line)));
        assertEquals(List.of(), WireValidator.dispatchedSchemaErrors(LENIENT.readTree(line)));
    }

    @ParameterizedTest(name = "schema rejects {0}")
    @MethodSource("rejectedBySchema")
    void theJsonSchemaAloneRejectsWrongTypesValuesAndMissingKeys(String name, String line) throws Exception {
        assertFalse(WireValidator.schemaErrors(LENIENT.readTree(line)).isEmpty(), "the schema accepts " + line);
        assertFalse(WireValidator.dispatchedSchemaErrors(LENIENT.readTree(line)).isEmpty(),
                "the schema with the type dispatched accepts " + line);
    }

    @Test
    void validatesStreamsAndNamesTheBadLine() {
        byte[] good = (RUN_START + PROGRESS + TARGET + ERROR + HEARTBEAT + STAGE_CHANGE + RUN_COMPLETE)
                .getBytes(StandardCharsets.UTF_8);
        assertEquals(7, WireValidator.validateAll(good).size());
        assertEquals(0, WireValidator.validateAll(new byte[0]).size());

        AssertionError torn = assertThrows(AssertionError.class,
                () -> WireValidator.validateAll((PROGRESS + TARGET.trim()).getBytes(StandardCharsets.UTF_8)));
        assertTrue(torn.getMessage().contains("torn"), torn.getMessage());

        byte[] notUtf8 = PROGRESS.replace("ret_5m", "ret_5m\u00e4").getBytes(StandardCharsets.ISO_8859_1);
        AssertionError encoding = assertThrows(AssertionError.class, () -> WireValidator.validateAll(notUtf8));
        assertTrue(encoding.getMessage().contains("not UTF-8"), encoding.getMessage());

        AssertionError second = assertThrows(AssertionError.class,
                () -> WireValidator.validateAll(List.of(PROGRESS, PROGRESS.replace("60.0", "NaN"))));
        assertTrue(second.getMessage().startsWith("line 2 of 2: WIRE: "), second.getMessage());
    }
}
