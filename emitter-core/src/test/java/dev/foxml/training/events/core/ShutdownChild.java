package dev.foxml.training.events.core;

import dev.foxml.training.events.RunStatus;
import dev.foxml.training.events.TrainingEvents;

/**
 * The main class of the child JVMs in {@link ShutdownChildJvmTest}: a trainer using only the
 * static facade, configured by -Dfoxml.training.event.* properties, that ends as real jobs do.
 */
public final class ShutdownChild {
    private ShutdownChild() {
    }

    public static void main(String[] args) {
        String scenario = args[0];
        int events = Integer.parseInt(args[1]);
        String runId = args[2];
        switch (scenario) {
            case "interrupted-then-shutdown":
                // A cancelled task (shutdownNow, a timeout, a Ctrl-C handler) that still reports
                // its end and shuts the events down before main returns.
                Thread.currentThread().interrupt();
                TrainingEvents.init(runId);
                emit(events);
                TrainingEvents.emitRunComplete(RunStatus.SUCCESS);
                TrainingEvents.shutdown();
                System.out.println("INTERRUPTED=" + Thread.currentThread().isInterrupted());
                return;
            case "hook-reports-failure-on-return":
            case "hook-reports-failure-on-exit":
            case "hook-reports-failure-and-shuts-down":
                TrainingEvents.init(runId);
                emit(events);
                boolean shutDown = scenario.endsWith("shuts-down");
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    TrainingEvents.emitError("the job was stopped", "JobStopped", false);
                    TrainingEvents.emitRunComplete(RunStatus.FAILED);
                    if (shutDown) {
                        TrainingEvents.shutdown();
                    }
                }, "users-own-hook"));
                if (scenario.endsWith("on-exit")) {
                    System.exit(1);
                }
                return;
            default:
                throw new IllegalArgumentException(scenario);
        }
    }

    private static void emit(int events) {
        for (int i = 0; i < events; i++) {
            TrainingEvents.emitProgress("training", 100.0 * i / events, "target-" + (i % 7), i, events);
        }
    }
}
