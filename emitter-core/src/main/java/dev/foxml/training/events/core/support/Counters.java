package dev.foxml.training.events.core.support;

import dev.foxml.training.events.EmitterStats;

import java.util.concurrent.atomic.AtomicLong;

/** The live counters behind {@link EmitterStats}; written by the writer and, rarely, by callers. */
public final class Counters {
    public final AtomicLong emitted = new AtomicLong();
    public final AtomicLong writtenToSocket = new AtomicLong();
    public final AtomicLong writtenToFile = new AtomicLong();
    public final AtomicLong replayed = new AtomicLong();
    public final AtomicLong droppedQueueFull = new AtomicLong();
    public final AtomicLong droppedUnwritable = new AtomicLong();
    public final AtomicLong droppedClosed = new AtomicLong();
    public final AtomicLong droppedExtraRunComplete = new AtomicLong();
    public final AtomicLong reconnects = new AtomicLong();
    public final AtomicLong invalidArguments = new AtomicLong();
    public final AtomicLong socketErrors = new AtomicLong();
    public final AtomicLong fileErrors = new AtomicLong();

    public EmitterStats snapshot() {
        return new EmitterStats(emitted.get(), writtenToSocket.get(), writtenToFile.get(),
                replayed.get(), droppedQueueFull.get(), droppedUnwritable.get(), droppedClosed.get(),
                droppedExtraRunComplete.get(), reconnects.get(), invalidArguments.get(), socketErrors.get(),
                fileErrors.get());
    }
}
