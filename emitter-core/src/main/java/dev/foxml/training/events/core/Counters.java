package dev.foxml.training.events.core;

import dev.foxml.training.events.EmitterStats;

import java.util.concurrent.atomic.AtomicLong;

/** The live counters behind {@link EmitterStats}; written by the writer and, rarely, by callers. */
final class Counters {
    final AtomicLong emitted = new AtomicLong();
    final AtomicLong writtenToSocket = new AtomicLong();
    final AtomicLong writtenToFile = new AtomicLong();
    final AtomicLong replayed = new AtomicLong();
    final AtomicLong droppedQueueFull = new AtomicLong();
    final AtomicLong droppedUnwritable = new AtomicLong();
    final AtomicLong droppedClosed = new AtomicLong();
    final AtomicLong droppedExtraRunComplete = new AtomicLong();
    final AtomicLong reconnects = new AtomicLong();
    final AtomicLong invalidArguments = new AtomicLong();
    final AtomicLong socketErrors = new AtomicLong();
    final AtomicLong fileErrors = new AtomicLong();

    EmitterStats snapshot() {
        return new EmitterStats(emitted.get(), writtenToSocket.get(), writtenToFile.get(),
                replayed.get(), droppedQueueFull.get(), droppedUnwritable.get(), droppedClosed.get(),
                droppedExtraRunComplete.get(), reconnects.get(), invalidArguments.get(), socketErrors.get(),
                fileErrors.get());
    }
}
