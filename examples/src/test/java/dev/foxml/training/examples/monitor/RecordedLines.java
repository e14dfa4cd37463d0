package dev.foxml.training.examples.monitor;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** The recorded run in {@code recorded-run.jsonl}: three targets, one failing, with noise lines. */
final class RecordedLines {

    /** Lines with distinct seq: 17 of known types and one heartbeat. */
    static final int EVENT_LINES = 18;

    private RecordedLines() {
    }

    /** Every line of the recording, in order, without newlines. */
    static List<String> run() {
        try (InputStream in = RecordedLines.class.getResourceAsStream("recorded-run.jsonl")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
