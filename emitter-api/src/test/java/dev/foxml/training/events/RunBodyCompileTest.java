package dev.foxml.training.events;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.spi.ToolProvider;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What javac makes of a trainer's {@code main} calling {@link TrainingEvents#run}: a body that throws
 * nothing checked needs no {@code throws} clause, a body that throws a checked exception still
 * makes the caller handle exactly that exception, and a {@link RunBody} kept in a raw variable (as
 * before the type parameter existed) still compiles, throwing {@code Exception} as it did. Compiled by the JDK's compiler against the
 * API's classes, as a user's project would be.
 */
class RunBodyCompileTest {

    @TempDir
    Path dir;

    private List<String> compile(String mainBody, String throwsClause) throws Exception {
        String source = "import dev.foxml.training.events.*;\n"
                + "public class Trainer {\n"
                + "    static void train() { }\n"
                + "    static void load() throws java.io.IOException { }\n"
                + "    public static void main(String[] args) " + throwsClause + " {\n"
                + "        " + mainBody + "\n"
                + "    }\n"
                + "}\n";
        Path file = dir.resolve("Trainer.java");
        Files.writeString(file, source);
        // javac as a tool (java.base's ToolProvider): the API's module does not read java.compiler.
        ToolProvider javac = ToolProvider.findFirst("javac").orElse(null);
        assertNotNull(javac, "tests run on a JDK");
        String api = Path.of(TrainingEvents.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                .toString();
        StringWriter out = new StringWriter();
        int status = javac.run(new PrintWriter(out), new PrintWriter(out),
                "-classpath", api, "-d", dir.toString(), "--release", "17", "-Xlint:none", "-XDrawDiagnostics",
                file.toString());
        List<String> errors = out.toString().lines().filter(line -> line.contains(": compiler.err.")).toList();
        assertEquals(status == 0, errors.isEmpty(), out.toString());
        return errors;
    }

    @Test
    void aBodyThatThrowsNothingCheckedNeedsNoThrowsClause() throws Exception {
        assertEquals(List.of(), compile("TrainingEvents.run(\"r\", () -> { train(); });"
                + " TrainingEvents.run(\"r\", Trainer::train);"
                + " TrainingEvents.run(TrainingEvents.current(), () -> { throw new IllegalStateException(); });", ""));
    }

    @Test
    void aBodyThatThrowsACheckedExceptionMakesTheCallerHandleExactlyThatOne() throws Exception {
        List<String> errors = compile("TrainingEvents.run(\"r\", () -> { load(); });", "");
        assertEquals(1, errors.size(), errors.toString());
        assertTrue(errors.get(0).contains("compiler.err.unreported.exception.need.to.catch.or.throw: java.io.IOException"),
                errors.get(0));
        assertEquals(List.of(), compile("TrainingEvents.run(\"r\", () -> { load(); });"
                        + " RunBody body = () -> train(); try { TrainingEvents.run(\"r\", body); }"
                        + " catch (Exception e) { throw new java.io.IOException(e); }",
                "throws java.io.IOException"),
                "the body's own exception, not Exception; a RunBody kept in a raw variable compiles as before");
    }
}
