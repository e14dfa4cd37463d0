package dev.foxml.training.events.core;

import dev.foxml.training.events.RunStatus;
import dev.foxml.training.events.TrainingEvents;

/**
 * The main class of the child JVMs in {@link ChildJvmTest}: a trainer that uses only the static
 * facade (so ServiceLoader finds emitter-core), configured by -Dfoxml.training.event.* properties.
 */
public final class ChildTrainer {
    private ChildTrainer() {
    }

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        int events = args.length > 1 ? Integer.parseInt(args[1]) : 100;
        String runId = args.length > 2 ? args[2] : "child-run";
        TrainingEvents.init(runId);
        TrainingEvents.emitStageChange(null, "training");
        switch (mode) {
            case "run-until-killed":
                System.out.println("READY");
                System.out.flush();
                for (int i = 0; ; i++) {
                    TrainingEvents.emitProgress("training", i % 100, "ret_5m", i, Integer.MAX_VALUE);
                    Thread.sleep(5);
                }
            case "return-without-shutdown":
                emit(events);
                return; // no shutdown(), no run_complete: the shutdown hook must deliver and cancel
            case "exit-mid-run":
                emit(events);
                System.exit(3);
                return;
            case "complete":
                emit(events);
                TrainingEvents.emitRunComplete(RunStatus.SUCCESS);
                TrainingEvents.shutdown();
                System.out.println(TrainingEvents.isInitialized() ? "STILL-INITIALISED" : "DONE");
                return;
            default:
                throw new IllegalArgumentException(mode);
        }
    }

    private static void emit(int events) {
        for (int i = 0; i < events; i++) {
            TrainingEvents.emitProgress("training", 100.0 * i / events, "target-" + (i % 7), i, events);
        }
    }
}
