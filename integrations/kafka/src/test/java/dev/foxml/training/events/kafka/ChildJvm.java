package dev.foxml.training.events.kafka;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The start of a command line for a child JVM on this test's class path: quick to start, logging to stderr. */
final class ChildJvm {
    private ChildJvm() {
    }

    /**
     * {@code java -cp <this class path> -Xmx<heap> -XX:TieredStopAtLevel=1} with SLF4J's simple
     * logger writing to stderr at {@code defaultLevel}, and the emitter's own loggers at INFO when
     * {@code emitterInfo}.
     */
    static List<String> command(String heap, String defaultLevel, boolean emitterInfo) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add("-Xmx" + heap);
        command.add("-XX:TieredStopAtLevel=1");
        command.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=" + defaultLevel);
        if (emitterInfo) {
            command.add("-Dorg.slf4j.simpleLogger.log.dev.foxml=info");
        }
        command.add("-Dorg.slf4j.simpleLogger.logFile=System.err");
        return command;
    }
}
