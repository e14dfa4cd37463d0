package dev.foxml.training.events.core.writer;

import dev.foxml.training.events.core.delivery.BatchBuffer;
import dev.foxml.training.events.core.delivery.Delivery;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntFunction;

/** A delivery that keeps the lines it is given, and throws what {@code faults} says on the nth delivery. */
final class InMemoryDelivery implements Delivery {
    private final List<String> lines = new ArrayList<>();
    private final IntFunction<Throwable> faults;
    private int deliveries;
    private volatile boolean closed;

    /** {@code faults}: for the delivery number 1, 2, 3, ..., what to throw, or null. */
    InMemoryDelivery(IntFunction<Throwable> faults) {
        this.faults = faults;
    }

    @Override
    public synchronized void deliver(BatchBuffer batch) {
        Throwable fault = faults.apply(++deliveries);
        if (fault instanceof RuntimeException) {
            throw (RuntimeException) fault;
        }
        if (fault instanceof Error) {
            throw (Error) fault;
        }
        ByteBuffer bytes = batch.flipForWrite();
        byte[] copy = new byte[bytes.remaining()];
        bytes.get(copy);
        String text = new String(copy, StandardCharsets.UTF_8);
        lines.addAll(Arrays.asList(text.split("\n")));
    }

    @Override
    public void maintain(long nowNanos) {
    }

    @Override
    public void close() {
        closed = true;
    }

    synchronized List<String> lines() {
        return new ArrayList<>(lines);
    }

    boolean closed() {
        return closed;
    }
}
