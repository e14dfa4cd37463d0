package dev.foxml.training.events.core.queue;

import java.util.function.Consumer;

/**
 * Events put on a queue as the emitter's facade does (claim a slot holding the queue's monitor,
 * fill it, publish it, then wake the consumer if the publish asked for it), for the tests of the
 * queue and of the writer.
 */
public final class QueueEmits {
    private QueueEmits() {
    }

    /**
     * Emits a stage change to {@code stage}.
     *
     * @param queue where
     * @param stage the new stage
     * @return whether it was queued (false: dropped, as a full queue or a close drops it)
     */
    public static boolean stageChange(EventQueue queue, String stage) {
        return emit(queue, EventType.STAGE_CHANGE, slot -> slot.stageChange(null, stage, true));
    }

    /**
     * Emits a progress event of a training loop.
     *
     * @param queue where
     * @param stage the stage
     * @param pct the progress in percent
     * @param step the training step
     * @return whether it was queued (false: dropped, as a full queue or a close drops it)
     */
    public static boolean progress(EventQueue queue, String stage, double pct, long step) {
        return emit(queue, EventType.PROGRESS,
                slot -> slot.progress(stage, pct, null, 0, 0, -1, step, Double.NaN, false, null, null));
    }

    private static boolean emit(EventQueue queue, EventType type, Consumer<EventSlot> fill) {
        synchronized (queue) {
            EventSlot slot = queue.claim(type, 0);
            if (slot == null) {
                return false;
            }
            try {
                fill.accept(slot);
            } finally {
                queue.publish(slot);
            }
        }
        queue.wakeConsumer();
        return true;
    }
}
