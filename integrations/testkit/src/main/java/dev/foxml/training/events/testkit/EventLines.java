package dev.foxml.training.events.testkit;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Reads a file of training events the way the dashboard bridge does (one strict JSON object per
 * line) and checks every event against {@code docs/training-events.schema.json} of the
 * repository, so that an integration's end-to-end test proves its lines are valid on the wire.
 */
public final class EventLines {

    private static final ObjectMapper STRICT = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();
    private static volatile Schema schema;

    private EventLines() {
    }

    /**
     * Every event of a file, each checked.
     *
     * @param file a file an emitter wrote
     * @return the events, in order
     * @throws IOException when the file cannot be read
     * @throws AssertionError when a line is not one valid event, naming the line and the rule
     */
    public static List<JsonNode> readValid(Path file) throws IOException {
        String content = Files.readString(file, StandardCharsets.UTF_8);
        if (!content.isEmpty() && !content.endsWith("\n")) {
            throw new AssertionError("the last line of " + file + " does not end in a newline");
        }
        List<JsonNode> events = new ArrayList<>();
        for (String line : content.split("\n")) {
            if (line.isEmpty()) {
                continue;
            }
            JsonNode event;
            try {
                event = STRICT.readTree(line);
            } catch (IOException e) {
                throw new AssertionError("not one strict JSON object (" + e.getMessage() + "): " + line);
            }
            List<String> errors = schema().validate(event).stream().map(Error::toString)
                    .collect(Collectors.toList());
            if (!errors.isEmpty()) {
                throw new AssertionError("docs/training-events.schema.json rejects " + line + ": " + errors);
            }
            events.add(event);
        }
        return events;
    }

    /**
     * The events of one type.
     *
     * @param events events as {@link #readValid(Path)} returns them
     * @param type e.g. {@code progress}
     * @return those of that type, in order
     */
    public static List<JsonNode> ofType(List<JsonNode> events, String type) {
        return events.stream().filter(e -> type.equals(e.path("event_type").asText())).collect(Collectors.toList());
    }

    private static Schema schema() throws IOException {
        Schema found = schema;
        if (found == null) {
            Path file = schemaFile();
            found = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
                    .getSchema(STRICT.readTree(file.toFile()));
            schema = found;
        }
        return found;
    }

    /** The schema in docs/ of the repository, found from the module the test runs in. */
    private static Path schemaFile() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null) {
            Path candidate = dir.resolve("docs/training-events.schema.json");
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
            dir = dir.getParent();
        }
        throw new IllegalStateException("docs/training-events.schema.json not found above " + Path.of("").toAbsolutePath());
    }
}
