package dev.foxml.training.events.core.support;

import java.time.Instant;

/**
 * Wall-clock time in microseconds since the epoch without allocating on the caller's thread:
 * {@code System.currentTimeMillis()} has only milliseconds and {@code Instant.now()} allocates,
 * so the time is a wall-clock base plus {@code System.nanoTime()} elapsed since it. The writer
 * thread calls {@link #resync()} about once a second so that the clock follows NTP adjustments.
 */
public final class MicrosClock {

    private static final class Base {
        final long wallMicros;
        final long nanos;

        Base(long wallMicros, long nanos) {
            this.wallMicros = wallMicros;
            this.nanos = nanos;
        }
    }

    private volatile Base base;

    public MicrosClock() {
        resync();
    }

    public long nowMicros() {
        Base b = base;
        return b.wallMicros + (System.nanoTime() - b.nanos) / 1_000L;
    }

    public void resync() {
        Instant now = Instant.now();
        long nanos = System.nanoTime();
        base = new Base(now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000, nanos);
    }
}
