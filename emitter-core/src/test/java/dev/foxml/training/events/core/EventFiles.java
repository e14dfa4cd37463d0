package dev.foxml.training.events.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** Reading what a reader of the socket or the file would see. */
final class EventFiles {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private EventFiles() {
    }

    /** The file's lines, each with its {@code \n}; a missing file has none. */
    static List<String> lines(Path file) {
        if (!Files.exists(file)) {
            return List.of();
        }
        try {
            String all = Files.readString(file, StandardCharsets.UTF_8);
            List<String> out = new ArrayList<>();
            int start = 0;
            for (int i = 0; i < all.length(); i++) {
                if (all.charAt(i) == '\n') {
                    out.add(all.substring(start, i + 1));
                    start = i + 1;
                }
            }
            if (start < all.length()) {
                out.add(all.substring(start));
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode parse(String line) {
        try {
            return MAPPER.readTree(line);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + line, e);
        }
    }

    /** seq → how many times it was seen, over all the given line lists. */
    static TreeMap<Long, Integer> seqCounts(List<List<String>> sources) {
        TreeMap<Long, Integer> counts = new TreeMap<>();
        for (List<String> lines : sources) {
            for (String line : lines) {
                // A line still being appended (no newline yet) is not an event yet.
                if (line.endsWith("\n") && !line.isBlank()) {
                    counts.merge(parse(line).get("seq").asLong(), 1, Integer::sum);
                }
            }
        }
        return counts;
    }

    static String describeMissing(TreeMap<Long, Integer> counts, long n) {
        List<Long> missing = new ArrayList<>();
        for (long s = 1; s <= n; s++) {
            if (!counts.containsKey(s)) {
                missing.add(s);
            }
        }
        return missing.size() + " missing, first: " + missing.stream().limit(10).map(String::valueOf)
                .collect(Collectors.joining(","));
    }
}
