package dev.foxml.training.events;

/** How one target of a run ended; written lower-case on the wire ({@code "success"}, ...). */
public enum TargetStatus {
    /** The target was trained: {@code "success"}. */
    SUCCESS("success"),
    /** The target's training failed: {@code "failed"}; also what a {@code null} status is written as. */
    FAILED("failed"),
    /** The target was deliberately not trained: {@code "skipped"}. */
    SKIPPED("skipped");

    private final String wireName;

    TargetStatus(String wireName) {
        this.wireName = wireName;
    }

    /**
     * The exact string written in the {@code status} field of a {@code target_complete} line.
     *
     * @return the lower-case wire name, e.g. {@code "success"}
     */
    public String wireName() {
        return wireName;
    }
}
