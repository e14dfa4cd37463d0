package dev.foxml.training.events;

/** How one target of a run ended; written lower-case on the wire ({@code "success"}, ...). */
public enum TargetStatus {
    SUCCESS("success"),
    FAILED("failed"),
    SKIPPED("skipped");

    private final String wireName;

    TargetStatus(String wireName) {
        this.wireName = wireName;
    }

    /** The exact string written in the {@code status} field of a {@code target_complete} line. */
    public String wireName() {
        return wireName;
    }
}
