package dev.foxml.training.events.core.delivery;

import dev.foxml.training.events.core.StderrCapture;
import dev.foxml.training.events.core.support.Counters;
import dev.foxml.training.events.core.support.LogOutput;
import dev.foxml.training.events.core.support.RateLimitedLog;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * While a socket file nobody listens on stays, the failure is warned about again at most once per
 * repeat interval (an hour in use; 300 ms here), each repeat saying how many attempts failed the
 * same way since; and a new cause (a bridge that came and went) is warned about at once. Drives
 * {@link FailoverDelivery} the way the idle writer does, against a real socket file and a real
 * file, with slf4j-simple's lines read from stderr.
 */
class StaleSocketWarningRepeatTest {
    @TempDir
    Path dir;

    @Test
    void anUnchangedConnectFailureIsRepeatedOnlyOncePerIntervalWithItsCount() throws Exception {
        Path socket = dir.resolve("bridge.sock");
        try (ServerSocketChannel crashed = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            crashed.bind(UnixDomainSocketAddress.of(socket));
        }
        Counters counters = new Counters();
        FailoverDelivery delivery = new FailoverDelivery(
                new SocketTransport(socket, new SocketConnector.Jdk(), TimeUnit.MILLISECONDS.toNanos(100), 1 << 20),
                new FileTransport(dir.resolve("events.jsonl")), false,
                TimeUnit.MILLISECONDS.toNanos(1), TimeUnit.MILLISECONDS.toNanos(2), TimeUnit.MILLISECONDS.toNanos(100),
                counters, new RateLimitedLog(0, LogOutput.DELIVERY));
        delivery.connectWarningRepeatNanos(TimeUnit.MILLISECONDS.toNanos(300));
        List<String> warnings;
        long attempts;
        long elapsedMillis;
        long start = System.nanoTime();
        try (StderrCapture err = new StderrCapture()) {
            // At least 1.1 s (three repeat intervals) and 30 attempts, one every few ms.
            do {
                delivery.maintain(System.nanoTime());
                java.util.concurrent.locks.LockSupport.parkNanos(500_000L);
                elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            } while ((elapsedMillis < 1100 || counters.socketErrors.get() < 30) && elapsedMillis < 20_000);
            attempts = counters.socketErrors.get();
            warnings = err.text().lines().filter(l -> l.contains("WARN") && l.contains(socket.toString())).toList();
        } finally {
            delivery.close();
        }
        System.out.println(attempts + " failed attempts in " + elapsedMillis + " ms gave " + warnings.size()
                + " warnings:\n" + String.join("\n", warnings));
        assertTrue(attempts >= 30, "many attempts: " + attempts);
        long most = 1 + elapsedMillis / 300;
        assertTrue(warnings.size() >= 2 && warnings.size() <= most,
                "the first, then at most one per 300 ms (" + most + "): " + warnings);
        assertTrue(warnings.get(0).contains("Connection refused") && !warnings.get(0).contains("still;"), warnings.get(0));
        long counted = 0;
        for (String repeat : warnings.subList(1, warnings.size())) {
            assertTrue(repeat.contains("Connection refused") && repeat.contains("(still; "), repeat);
            String n = repeat.substring(repeat.indexOf("(still; ") + 8, repeat.indexOf(" attempts failed the same way"));
            counted += Long.parseLong(n);
        }
        // Each repeat counts the attempts since the warning before it (those after the last are not yet said).
        long total = counted;
        assertTrue(total > 0 && total <= attempts - warnings.size(), total + " of " + attempts);
    }
}
