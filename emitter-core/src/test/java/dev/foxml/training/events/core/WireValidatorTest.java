package dev.foxml.training.events.core;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The validator every delivery test relies on rejects what the readers would reject, and only that. */
class WireValidatorTest {

    private static final String PROGRESS = "{\"event_type\": \"progress\", \"stage\": \"training\", \"progress_pct\": 60.0,"
            + " \"current_target\": \"ret_5m\", \"targets_complete\": 3, \"targets_total\": 5, \"run_id\": \"run-1\","
            + " \"timestamp\": \"2026-01-21T12:34:56.123456+00:00\", \"seq\": 1}\n";
    private static final String TARGET = "{\"event_type\": \"target_complete\", \"target\": \"t\", \"status\": \"failed\","
            + " \"models_trained\": 0, \"best_auc\": null, \"run_id\": \"r\","
            + " \"timestamp\": \"2026-01-21T12:34:56.123456+00:00\", \"seq\": 7}\n";
    private static final String ERROR = "{\"event_type\": \"error\", \"error_message\": \"m\", \"error_type\": \"t\","
            + " \"recoverable\": true, \"run_id\": \"r\", \"timestamp\": \"2026-01-21T12:34:56.123456+00:00\", \"seq\": 2}\n";

    static Stream<Arguments> accepted() {
        return Stream.of(
                Arguments.of("progress", PROGRESS),
                Arguments.of("integer percent", PROGRESS.replace("60.0", "60")),
                Arguments.of("null percent", PROGRESS.replace("60.0", "null")),
                Arguments.of("null current_target", PROGRESS.replace("\"ret_5m\"", "null")),
                Arguments.of("additive keys after seq", PROGRESS.replace("\"seq\": 1}", "\"seq\": 1, \"host\": {\"a\": [1]}}")),
                Arguments.of("additive key before seq", PROGRESS.replace("\"seq\": 1}", "\"pid\": 9, \"seq\": 1}")),
                Arguments.of("no white space", PROGRESS.replace(", ", ",").replace(": ", ":")),
                Arguments.of("escaped pair and raw UTF-8", PROGRESS.replace("ret_5m", "\\ud83d\\ude00 \u00e4\u20ac")),
                Arguments.of("target_complete", TARGET),
                Arguments.of("error", ERROR),
                Arguments.of("stage_change", "{\"event_type\": \"stage_change\", \"previous_stage\": null, \"new_stage\": \"x\","
                        + " \"run_id\": \"r\", \"timestamp\": \"2026-01-21T12:34:56.123456+00:00\", \"seq\": 3}\n"),
                Arguments.of("run_complete", "{\"event_type\": \"run_complete\", \"status\": \"cancelled\", \"run_id\": \"r\","
                        + " \"timestamp\": \"2026-01-21T12:34:56.123456+00:00\", \"seq\": 4}\n"));
    }

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
                Arguments.of("trailing comma", PROGRESS.replace("\"seq\": 1}", "\"seq\": 1,}")),
                Arguments.of("comment", PROGRESS.replace("{", "/* c */{")),
                Arguments.of("single quotes", PROGRESS.replace("\"ret_5m\"", "'ret_5m'")),
                Arguments.of("raw tab in a string", PROGRESS.replace("ret_5m", "ret\t5m")),
                Arguments.of("duplicate key", PROGRESS.replace("\"seq\": 1}", "\"seq\": 1, \"stage\": \"x\"}")),
                Arguments.of("not an object", "[1]\n"),
                Arguments.of("unknown event type", PROGRESS.replace("\"progress\"", "\"heartbeat\"")),
                Arguments.of("keys out of order", PROGRESS.replace("\"targets_complete\": 3, \"targets_total\": 5",
                        "\"targets_total\": 5, \"targets_complete\": 3")),
                Arguments.of("run_id before the fields", PROGRESS.replace(" \"run_id\": \"run-1\",", "")
                        .replace("\"stage\"", "\"run_id\": \"run-1\", \"stage\"")),
                Arguments.of("extra key before timestamp", PROGRESS.replace("\"run_id\"", "\"x\": 1, \"run_id\"")),
                Arguments.of("missing field", PROGRESS.replace(" \"current_target\": \"ret_5m\",", "")),
                Arguments.of("no seq", PROGRESS.replace(", \"seq\": 1", "")),
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
                Arguments.of("run status not allowed", "{\"event_type\": \"run_complete\", \"status\": \"skipped\","
                        + " \"run_id\": \"r\", \"timestamp\": \"2026-01-21T12:34:56.123456+00:00\", \"seq\": 4}\n"),
                Arguments.of("recoverable as string", ERROR.replace("true", "\"true\"")),
                Arguments.of("run_id null", ERROR.replace("\"run_id\": \"r\"", "\"run_id\": null")),
                Arguments.of("timestamp with Z", PROGRESS.replace("+00:00", "Z")),
                Arguments.of("timestamp in milliseconds", PROGRESS.replace(".123456+", ".123+")),
                Arguments.of("timestamp not UTC", PROGRESS.replace("+00:00", "+01:00")),
                Arguments.of("timestamp month 13", PROGRESS.replace("2026-01-21", "2026-13-21")),
                Arguments.of("escaped lone surrogate", PROGRESS.replace("ret_5m", "ret\\ud800")),
                Arguments.of("escaped reversed pair", PROGRESS.replace("ret_5m", "\\ude00\\ud83d")));
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

    @Test
    void validatesStreamsAndNamesTheBadLine() {
        byte[] good = (PROGRESS + TARGET + ERROR).getBytes(StandardCharsets.UTF_8);
        assertEquals(3, WireValidator.validateAll(good).size());
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
