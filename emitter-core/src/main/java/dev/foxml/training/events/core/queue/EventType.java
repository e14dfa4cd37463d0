package dev.foxml.training.events.core.queue;

/** The event kinds a slot can hold; ints so that filling a slot never boxes or allocates. */
public final class EventType {
    public static final int PROGRESS = 1;
    public static final int STAGE_CHANGE = 2;
    public static final int TARGET_COMPLETE = 3;
    public static final int RUN_COMPLETE = 4;
    public static final int ERROR = 5;
    public static final int RUN_START = 6;
    public static final int HEARTBEAT = 7;

    private EventType() {
    }
}
