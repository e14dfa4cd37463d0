package dev.foxml.training.events;

/** How a whole run ended; written lower-case on the wire ({@code "success"}, ...). */
public enum RunStatus {
    /** The run finished its work: {@code "success"}. */
    SUCCESS("success"),
    /** The run ended with an error: {@code "failed"}. */
    FAILED("failed"),
    /**
     * The run was stopped before it finished: {@code "cancelled"}; what closing an emitter reports
     * for a run that never reported its end.
     */
    CANCELLED("cancelled");

    private final String wireName;

    RunStatus(String wireName) {
        this.wireName = wireName;
    }

    /**
     * The exact string written in the {@code status} field of a {@code run_complete} line.
     *
     * @return the lower-case wire name, e.g. {@code "success"}
     */
    public String wireName() {
        return wireName;
    }
}
