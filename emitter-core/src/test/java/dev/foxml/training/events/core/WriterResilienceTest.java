package dev.foxml.training.events.core;

import dev.foxml.training.events.core.config.EmitterConfig;
import dev.foxml.training.events.core.delivery.FileTransport;

import dev.foxml.training.events.RunStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.spy;

/**
 * An {@code Error} thrown inside the writer thread (cf. java-dogstatsd-client #56, where one
 * killed the sender for good). No real file throws an Error on write, so this is the one place
 * a mock stands in for the fault.
 */
class WriterResilienceTest {
    @TempDir
    Path dir;

    @Test
    void anErrorInTheWriterCostsOneBatchAndDeliveryGoesOn() throws Exception {
        Path file = dir.resolve("events.jsonl");
        FileTransport real = new FileTransport(file);
        FileTransport failingOnce = spy(real);
        AtomicBoolean thrown = new AtomicBoolean();
        doAnswer(call -> {
            if (thrown.compareAndSet(false, true)) {
                throw new StackOverflowError("injected");
            }
            return call.callRealMethod();
        }).when(failingOnce).append(any(ByteBuffer.class));

        EmitterConfig config = DefaultTrainingEventEmitter.builder("run-w")
                .socketPath(dir.resolve("none.sock"))
                .filePath(file)
                .shutdownHook(false)
                .runStartEvent(false)
                .config();
        DefaultTrainingEventEmitter emitter = new DefaultTrainingEventEmitter(config, failingOnce);
        emitter.emitStageChange(null, "training");
        assertTrue(emitter.flush(), "flush returns although the batch was lost to the Error");
        assertTrue(thrown.get());
        for (int i = 0; i < 10; i++) {
            emitter.emitProgress("training", i * 10.0, "ret_5m", i, 10);
        }
        emitter.emitRunComplete(RunStatus.SUCCESS);
        assertTrue(emitter.flush());
        emitter.close();

        List<String> lines = EventFiles.lines(file);
        assertEquals(11, lines.size(), "everything after the Error is delivered");
        for (int i = 0; i < lines.size(); i++) {
            assertEquals(i + 2, EventFiles.parse(lines.get(i)).get("seq").asLong());
        }
        assertTrue(emitter.stats().droppedUnwritable() >= 1, "the lost batch is counted, not silent");
    }
}
