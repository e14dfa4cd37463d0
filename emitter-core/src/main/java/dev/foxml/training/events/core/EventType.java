package dev.foxml.training.events.core;

/** The event kinds a slot can hold; ints so that filling a slot never boxes or allocates. */
final class EventType {
    static final int PROGRESS = 1;
    static final int STAGE_CHANGE = 2;
    static final int TARGET_COMPLETE = 3;
    static final int RUN_COMPLETE = 4;
    static final int ERROR = 5;
    static final int RUN_START = 6;
    static final int HEARTBEAT = 7;

    private EventType() {
    }
}
