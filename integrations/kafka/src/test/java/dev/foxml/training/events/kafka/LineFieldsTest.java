package dev.foxml.training.events.kafka;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** What the transport reads from each line, and how it keeps the lines it must hand back. */
class LineFieldsTest {
    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void seqAndEmitterIdAreReadFromTheTopLevelFieldsOnly() {
        byte[] line = bytes("{\"event_type\": \"progress\", \"stage\": \"x\\\"seq\", \"current_target\": \"\\\"seq\\\": 7\","
                + " \"run_id\": \"r\", \"timestamp\": \"t\", \"seq\": 12345, \"emitter_id\": \"00000000000000ab\","
                + " \"metrics\": {\"seq\": 3, \"emitter_id\": 4}}");
        assertEquals(12345, LineFields.seq(line));
        assertEquals("00000000000000ab", LineFields.emitterId(line));
        assertEquals(9, LineFields.seq(bytes("{\"seq\":9,\"emitter_id\":\"a\"}")));
        assertEquals(0, LineFields.seq(bytes("{\"event_type\": \"progress\"}")));
        assertNull(LineFields.emitterId(bytes("{\"emitter_id\": 5}")));
        assertNull(LineFields.emitterId(bytes("{\"emitter_id\": \"with space\"}")));
    }

    @Test
    void unconfirmedLinesComeBackInSeqOrderAndDisownedOnesAreOnlyCounted() {
        InFlightLines lines = new InFlightLines();
        InFlightLines.Batch first = new InFlightLines.Batch();
        InFlightLines.Batch second = new InFlightLines.Batch();
        List<org.apache.kafka.clients.producer.Callback> callbacks = new ArrayList<>();
        for (long seq = 1; seq <= 6; seq++) {
            callbacks.add(lines.track(seq, bytes("line " + seq), seq <= 3 ? first : second));
        }
        second.disown(lines);
        RuntimeException down = new RuntimeException("down");
        callbacks.get(2).onCompletion(null, down);
        callbacks.get(0).onCompletion(null, down);
        callbacks.get(0).onCompletion(null, null); // a second outcome of one line is ignored
        callbacks.get(1).onCompletion(null, null);
        callbacks.get(4).onCompletion(null, down);
        assertEquals(2, lines.inFlight(), "seqs 4 and 6 still in flight");
        List<String> back = new ArrayList<>();
        assertEquals(2, lines.takeUnconfirmed(line -> back.add(new String(line, StandardCharsets.UTF_8))));
        assertEquals(List.of("line 1", "line 3"), back, "seq order; the disowned batch's failure is not kept");
        assertEquals(1, lines.confirmedTotal());
        assertEquals(2, lines.unconfirmedTotal());
        assertEquals(1, lines.failedDisowned());
        assertEquals(0, lines.takeUnconfirmed(line -> { }));
    }
}
