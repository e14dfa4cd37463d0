package dev.foxml.training.events;

/**
 * A trainer's {@code main} without a {@code throws} clause calling {@link TrainingEvents#run} with
 * a body that throws no checked exception: this class compiling is what
 * {@link TrainingRunTest#aBodyThatThrowsNothingCheckedNeedsNoThrowsClause()} proves.
 */
final class RunWithoutThrows {

    static final RecordingEmitter EMITTER = new RecordingEmitter("no-throws");

    private RunWithoutThrows() {
    }

    public static void main(String[] args) {
        TrainingEvents.run(EMITTER, () -> {
            EMITTER.emitStageChange("training");
        });
        // The same with the run id form (no implementation on this class path: a no-op emitter).
        TrainingEvents.run("no-throws", () -> { });
        TrainingEvents.run("no-throws", RunWithoutThrows::train);
    }

    private static void train() {
    }
}
