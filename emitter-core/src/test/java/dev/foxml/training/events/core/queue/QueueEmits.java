package dev.foxml.training.events.core.queue;

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
        synchronized (queue) {
            EventSlot slot = queue.claim(EventType.STAGE_CHANGE, 0);
            if (slot == null) {
                return false;
            }
            try {
                slot.stageChange(null, stage, true);
            } finally {
                queue.publish(slot);
            }
        }
        queue.wakeConsumer();
        return true;
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
        synchronized (queue) {
            EventSlot slot = queue.claim(EventType.PROGRESS, 0);
            if (slot == null) {
                return false;
            }
            try {
                slot.progress(stage, pct, null, 0, 0, -1, step, Double.NaN, false, null, null);
            } finally {
                queue.publish(slot);
            }
        }
        queue.wakeConsumer();
        return true;
    }
}
