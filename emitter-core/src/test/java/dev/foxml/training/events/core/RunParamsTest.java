package dev.foxml.training.events.core;

import dev.foxml.training.events.core.encode.EventEncoder;

import com.fasterxml.jackson.databind.JsonNode;
import dev.foxml.training.events.TrainingEvents;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Hyperparameters set from code reach {@code run_start} as its {@code params} object, in the
 * caller's order, whatever the values are; {@code null} without any.
 */
class RunParamsTest {

    @TempDir
    Path dir;

    private Path file() {
        return dir.resolve("events.jsonl");
    }

    @AfterEach
    void shutDownTheFacade() {
        TrainingEvents.shutdown();
        System.clearProperty(TrainingEventEmitterBuilder.SOCKET_PROPERTY);
        System.clearProperty(TrainingEventEmitterBuilder.FILE_PROPERTY);
    }

    private JsonNode runStart() {
        JsonNode first = WireValidator.validateAll(file()).get(0);
        assertEquals("run_start", first.get("event_type").textValue());
        List<String> keys = Lines.keys(first);
        assertEquals(List.of("elapsed_seconds", "params"), keys.subList(keys.size() - 2, keys.size()),
                "params right after elapsed_seconds, last");
        return first;
    }

    private enum Booster { GBTREE }

    @Test
    void paramsFromTheBuilderAreWrittenInTheCallersOrderWithTheirTypes() {
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("objective", "binary:logistic");
        params.put("learning_rate", 0.05);
        params.put("max_depth", 6);
        params.put("n_estimators", 9_000_000_000L);
        params.put("subsample", 0.8f);
        params.put("early_stopping", true);
        params.put("warm_start", null);
        params.put("booster", Booster.GBTREE);
        params.put("seed", new AtomicLong(42));
        params.put("lambda", new BigDecimal("0.125"));
        params.put("big", new BigInteger("12345678901234567890"));
        params.put("layers", List.of(64, 32));
        try (DefaultTrainingEventEmitter e = Lines.hermetic("run-p", dir, file()).params(params).build()) {
            params.put("added later", 1); // copied at params(): no effect
            assertEquals(0, e.stats().invalidArguments());
        }
        JsonNode written = runStart().get("params");
        assertEquals(new ArrayList<>(List.of("objective", "learning_rate", "max_depth", "n_estimators", "subsample",
                "early_stopping", "warm_start", "booster", "seed", "lambda", "big", "layers")), Lines.keys(written));
        assertEquals("binary:logistic", written.get("objective").textValue());
        assertEquals(0.05, written.get("learning_rate").doubleValue());
        assertTrue(written.get("max_depth").isIntegralNumber(), "an int stays an integer: " + written);
        assertEquals(6, written.get("max_depth").intValue());
        assertEquals(9_000_000_000L, written.get("n_estimators").longValue());
        assertEquals(0.8f, written.get("subsample").floatValue());
        assertTrue(written.get("early_stopping").booleanValue());
        assertTrue(written.get("warm_start").isNull());
        assertEquals("GBTREE", written.get("booster").textValue());
        assertEquals(42, written.get("seed").longValue());
        assertEquals(0.125, written.get("lambda").doubleValue());
        assertEquals(1.2345678901234567e19, written.get("big").doubleValue());
        assertEquals("[64, 32]", written.get("layers").textValue());
    }

    @Test
    void withoutParamsTheKeyIsNull() {
        try (DefaultTrainingEventEmitter e = Lines.hermetic("run-p", dir, file()).params(Map.of()).build()) {
            assertEquals(0, e.stats().invalidArguments());
        }
        assertTrue(runStart().get("params").isNull());
    }

    /** A value whose toString throws, as some proxies and half-built objects do. */
    private static final class Hostile {
        @Override
        public String toString() {
            throw new IllegalStateException("not initialised");
        }
    }

    /** A Number whose conversions throw. */
    private static final class HostileNumber extends Number {
        @Override public int intValue() { throw new ArithmeticException(); }
        @Override public long longValue() { throw new ArithmeticException(); }
        @Override public float floatValue() { throw new ArithmeticException(); }
        @Override public double doubleValue() { throw new ArithmeticException(); }
    }

    /** A value whose toString returns null. */
    private static final class NullString {
        @Override
        public String toString() {
            return null;
        }
    }

    @Test
    void hostileValuesAreRepairedAndCountedOnceNeverThrown() {
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("throws", new Hostile());
        params.put("number_throws", new HostileNumber());
        params.put("null_string", new NullString());
        params.put("nan", Double.NaN);
        params.put("inf", Float.POSITIVE_INFINITY);
        params.put("line\nbreak\u2028", "tab\there \"quoted\" \u00e4 \uD83D\uDE00");
        params.put("lone\uD800", "value\uDC00");
        params.put("long_value", "v".repeat(10_000));
        params.put("k".repeat(500), 1);
        params.put("k".repeat(501), 2); // cut to the same 128 characters: left out
        try (DefaultTrainingEventEmitter e = Lines.hermetic("run-p", dir, file()).params(params).build()) {
            e.emitProgress("training", 1.0);
            assertEquals(1, e.stats().invalidArguments(), "the run's parameters count once, at start");
        }
        JsonNode written = runStart().get("params");
        for (String name : List.of("throws", "number_throws", "null_string", "nan", "inf")) {
            assertTrue(written.get(name).isNull(), name + " is written as null: " + written);
        }
        assertEquals("tab\there \"quoted\" \u00e4 \uD83D\uDE00", written.get("line\nbreak\u2028").textValue());
        assertEquals("value\uFFFD", written.get("lone\uFFFD").textValue());
        String cut = written.get("long_value").textValue();
        assertEquals(EventEncoder.MAX_NAME_CHARS, cut.length());
        assertTrue(cut.endsWith(EventEncoder.TRUNCATION_MARKER), cut);
        String cutKey = "k".repeat(EventEncoder.MAX_NAME_CHARS - EventEncoder.TRUNCATION_MARKER.length())
                + EventEncoder.TRUNCATION_MARKER;
        assertEquals(1, written.get(cutKey).intValue(), "the first of two keys cut alike wins");
        assertEquals(9, written.size());
    }

    @Test
    void tooManyOrBlankNamesFailBuildNamingTheSetting() {
        Map<String, Object> many = new LinkedHashMap<>();
        for (int i = 0; i <= TrainingEventEmitterBuilder.MAX_PARAMS; i++) {
            many.put("p" + i, i);
        }
        IllegalArgumentException tooMany = assertThrows(IllegalArgumentException.class,
                () -> Lines.hermetic("run-p", dir, file()).params(many).build());
        assertTrue(tooMany.getMessage().contains("params(...)") && tooMany.getMessage().contains("at most 32"),
                tooMany.getMessage());
        Map<String, Object> blank = new LinkedHashMap<>();
        blank.put(" ", 1);
        IllegalArgumentException blankName = assertThrows(IllegalArgumentException.class,
                () -> Lines.hermetic("run-p", dir, file()).params(blank).build());
        assertTrue(blankName.getMessage().contains("params(...)"), blankName.getMessage());
        Map<String, Object> nullName = new LinkedHashMap<>();
        nullName.put(null, 1);
        assertThrows(IllegalArgumentException.class, () -> Lines.hermetic("run-p", dir, file()).params(nullName).build());
        assertFalse(java.nio.file.Files.exists(file()), "nothing was started");
    }

    @Test
    void paramsFromTrainingEventsInit() {
        System.setProperty(TrainingEventEmitterBuilder.SOCKET_PROPERTY, dir.resolve("none.sock").toString());
        System.setProperty(TrainingEventEmitterBuilder.FILE_PROPERTY, file().toString());
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("learning_rate", 0.1);
        params.put("epochs", 20);
        params.put("optimizer", "adam");
        TrainingEvents.init("run-init-params", params);
        TrainingEvents.emitStageChange("training");
        TrainingEvents.shutdown();
        JsonNode written = runStart().get("params");
        assertEquals(List.of("learning_rate", "epochs", "optimizer"), Lines.keys(written));
        assertEquals(0.1, written.get("learning_rate").doubleValue());
        assertEquals(20, written.get("epochs").intValue());
        assertEquals("adam", written.get("optimizer").textValue());
        JsonNode stageChange = WireValidator.validateAll(file()).get(1);
        assertTrue(stageChange.get("previous_stage").isNull());
    }

    @Test
    void initWithoutParamsWritesNull() {
        System.setProperty(TrainingEventEmitterBuilder.SOCKET_PROPERTY, dir.resolve("none.sock").toString());
        System.setProperty(TrainingEventEmitterBuilder.FILE_PROPERTY, file().toString());
        TrainingEvents.init("run-no-params", null);
        TrainingEvents.shutdown();
        assertTrue(runStart().get("params").isNull());
    }
}
