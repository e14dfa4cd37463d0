package dev.foxml.training.events.kafka;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The relay in a child JVM (so that it can be SIGKILLed), started with the relay's own main. */
final class RelayProcess implements AutoCloseable {
    private final Process process;
    private final Path log;

    private RelayProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    static RelayProcess start(Path dir, String name, String... args) throws Exception {
        List<String> command = ChildJvm.command("256m", "warn", true);
        command.add(Relay.class.getName());
        command.addAll(List.of(args));
        Path log = dir.resolve(name + ".log");
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line = out.readLine();
        if (!"RELAY-READY".equals(line)) {
            p.destroyForcibly();
            throw new IllegalStateException("the relay did not start (" + line + "): " + Files.readString(log));
        }
        return new RelayProcess(p, log);
    }

    /** SIGKILL: the relay gets no chance to commit, flush its state or close anything. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /**
     * SIGTERM: the relay's shutdown hook stops it and logs its counters.
     *
     * @return the relay's log
     */
    String stop() throws InterruptedException, IOException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
        return Files.readString(log);
    }

    @Override
    public void close() throws InterruptedException {
        kill();
    }
}
