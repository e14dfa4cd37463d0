package dev.foxml.training.examples.monitor;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class LineSplitterTest {

    private final List<String> lines = new ArrayList<>();

    @Test
    void joinsLinesSplitAnywhereEvenInsideACharacter() {
        LineSplitter splitter = new LineSplitter(1024, lines::add);
        byte[] bytes = "{\"target\": \"r\u00e9t_5m\"}\n{\"b\": 2}\r\n{\"c\"".getBytes(StandardCharsets.UTF_8);
        for (byte b : bytes) {
            splitter.feed(new byte[] {b}, 0, 1);
        }
        assertEquals(List.of("{\"target\": \"r\u00e9t_5m\"}", "{\"b\": 2}"), lines);

        splitter.feed(": 3}\n".getBytes(StandardCharsets.UTF_8), 0, 5);
        assertEquals("{\"c\": 3}", lines.get(2));
    }

    @Test
    void passesOnAPartialLastLineOnlyWhenFinished() {
        LineSplitter splitter = new LineSplitter(1024, lines::add);
        splitter.feed("{\"cut".getBytes(StandardCharsets.UTF_8), 0, 5);
        assertEquals(List.of(), lines);
        splitter.finish();
        assertEquals(List.of("{\"cut"), lines);
    }

    @Test
    void cutsAnOverlongLineToTheLimitAndKeepsTheNextOne() {
        LineSplitter splitter = new LineSplitter(8, lines::add);
        byte[] bytes = "0123456789abcdef\nok\n".getBytes(StandardCharsets.UTF_8);
        splitter.feed(bytes, 0, bytes.length);
        assertEquals(List.of("01234567", "ok"), lines);
    }

    @Test
    void forgetsAPartialLineOnReset() {
        LineSplitter splitter = new LineSplitter(1024, lines::add);
        splitter.feed("old part".getBytes(StandardCharsets.UTF_8), 0, 8);
        splitter.reset();
        splitter.feed("new\n".getBytes(StandardCharsets.UTF_8), 0, 4);
        assertEquals(List.of("new"), lines);
    }
}
