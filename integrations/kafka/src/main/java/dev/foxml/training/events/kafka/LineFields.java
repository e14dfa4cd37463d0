package dev.foxml.training.events.kafka;

import java.nio.charset.StandardCharsets;

/**
 * Reads {@code seq} and {@code emitter_id} from an emitter's own line without parsing it whole:
 * the transport does this for every line it sends, on the writer thread, where a full parse
 * ({@link LineIdentity}, the relay's check of foreign records) would cost more than the send.
 * The emitter writes both fields at the top level, before any caller-supplied value.
 */
final class LineFields {
    private static final byte[] SEQ = "\"seq\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] EMITTER_ID = "\"emitter_id\"".getBytes(StandardCharsets.US_ASCII);

    private LineFields() {
    }

    /**
     * Reads the line's sequence number.
     *
     * @return the line's {@code seq}, or 0 when it has none
     */
    static long seq(byte[] line) {
        int at = valueAfter(line, SEQ);
        if (at < 0) {
            return 0;
        }
        long seq = 0;
        int digits = 0;
        for (int i = at; i < line.length && line[i] >= '0' && line[i] <= '9' && digits < 18; i++, digits++) {
            seq = seq * 10 + (line[i] - '0');
        }
        return digits == 0 ? 0 : seq;
    }

    /**
     * Reads the line's emitter id.
     *
     * @return the line's {@code emitter_id}, or null when it has none
     */
    static String emitterId(byte[] line) {
        int at = valueAfter(line, EMITTER_ID);
        if (at < 0 || at >= line.length || line[at] != '"') {
            return null;
        }
        for (int i = at + 1; i < line.length && i - at <= LineIdentity.MAX_EMITTER_ID_CHARS + 1; i++) {
            if (line[i] == '"') {
                String id = new String(line, at + 1, i - at - 1, StandardCharsets.US_ASCII);
                return LineIdentity.usableId(id) ? id : null;
            }
        }
        return null;
    }

    /** Where the value of the first {@code name} field starts (after the colon and spaces), or -1. */
    private static int valueAfter(byte[] line, byte[] name) {
        outer:
        for (int i = 0; i + name.length <= line.length; i++) {
            for (int j = 0; j < name.length; j++) {
                if (line[i + j] != name[j]) {
                    continue outer;
                }
            }
            int k = i + name.length;
            while (k < line.length && line[k] == ' ') {
                k++;
            }
            if (k >= line.length || line[k] != ':') {
                continue;
            }
            k++;
            while (k < line.length && line[k] == ' ') {
                k++;
            }
            return k;
        }
        return -1;
    }
}
