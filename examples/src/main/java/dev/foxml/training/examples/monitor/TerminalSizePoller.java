package dev.foxml.training.examples.monitor;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The terminal's size, kept current: {@code stty} is asked once at start and then once a second on
 * a daemon thread, so the screen is redrawn to a resized window within about a second while the
 * drawing loop only reads a field. SIGWINCH would be quicker, but the JDK has no portable way to
 * catch it; one small process a second is cheap. Where {@code stty} cannot tell (no terminal),
 * the size from the environment is kept and nothing is polled.
 */
final class TerminalSizePoller implements Supplier<TerminalSize>, AutoCloseable {

    private static final long POLL_MILLIS = 1000;

    private volatile TerminalSize current;
    private final ScheduledExecutorService poller;

    private TerminalSizePoller(TerminalSize initial, boolean poll) {
        this.current = initial;
        if (!poll) {
            this.poller = null;
            return;
        }
        this.poller = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "monitor-terminal-size");
            thread.setDaemon(true);
            return thread;
        });
        poller.scheduleWithFixedDelay(this::poll, POLL_MILLIS, POLL_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** Starts following the controlling terminal's size. */
    static TerminalSizePoller start() {
        TerminalSize fromStty = TerminalSize.stty();
        return fromStty != null ? new TerminalSizePoller(fromStty, true)
                : new TerminalSizePoller(TerminalSize.detect(), false);
    }

    private void poll() {
        TerminalSize polled = TerminalSize.stty();
        if (polled != null) {
            current = polled;
        }
    }

    @Override
    public TerminalSize get() {
        return current;
    }

    /** Stops polling. */
    @Override
    public void close() {
        if (poller != null) {
            poller.shutdownNow();
        }
    }
}
