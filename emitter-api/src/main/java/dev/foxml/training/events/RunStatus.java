package dev.foxml.training.events;

/** How a whole run ended; written lower-case on the wire ({@code "success"}, ...). */
public enum RunStatus {
    SUCCESS("success"),
    FAILED("failed"),
    CANCELLED("cancelled");

    private final String wireName;

    RunStatus(String wireName) {
        this.wireName = wireName;
    }

    /** The exact string written in the {@code status} field of a {@code run_complete} line. */
    public String wireName() {
        return wireName;
    }
}
