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
        return read("recorded-run.jsonl");
    }

    /**
     * {@code recorded-retry.jsonl}, lines as the emitter writes them now: run {@code resnet-7}
     * started by emitter {@code 1f3a9c0d...} on gpu-node-7 (run_start with params and tags, one
     * progress at epoch 0 with metrics, then {@code cancelled}), and retried by emitter
     * {@code 9bc2e4f1...} on gpu-node-9 with seq from 1 again: five progress lines with epoch,
     * step, throughput, ETA and metrics (the second replayed, same emitter and seq), the target
     * {@code cifar10} completed with metrics and {@code success}.
     */
    static List<String> retry() {
        return read("recorded-retry.jsonl");
    }

    private static List<String> read(String name) {
        try (InputStream in = RecordedLines.class.getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
