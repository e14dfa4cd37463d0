package dev.foxml.training.examples.monitor;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Describes each change of a {@link MonitorState} as plain log lines, for output that is not a
 * terminal (a pipe, a file, a CI log): no cursor movement, one line per change, prefixed with the
 * time of the event in the run. Duplicates, blank lines and events of other types change nothing
 * shown and print nothing.
 */
final class PlainLines {

    /** The lines for one update (usually one, two when the event starts a run; none for no change). */
    public List<String> describe(MonitorState.Update update, MonitorState state, Instant now) {
        List<String> lines = new ArrayList<>();
        // Lines are stamped with event time, so a replayed file reads as the run happened.
        boolean live = update.kind() == MonitorState.Update.Kind.CONNECTION_LOST
                || update.kind() == MonitorState.Update.Kind.TRAINER_EXITED;
        String prefix = String.format(Locale.ROOT, "[%8s] ",
                ScreenRenderer.duration(live ? state.elapsed(now) : state.elapsedByEvents()));
        switch (update.kind()) {
            case APPLIED -> {
                if (update.newRun()) {
                    lines.add(prefix + "run " + (state.runId() != null ? state.runId() : "(no run_id)"));
                }
                lines.add(prefix + describeEvent(update.event(), state));
            }
            case MALFORMED -> lines.add(prefix + "ignored a line that is not an event (" + update.detail() + ")");
            case CONNECTION_LOST -> lines.add(prefix + "trainer connection closed before run_complete");
            case TRAINER_EXITED -> lines.add(prefix + update.detail());
            case DUPLICATE, BLANK, UNKNOWN_TYPE, IGNORED -> {
                // Nothing the reader would see changed (other event types, e.g. heartbeats, are
                // only counted, as the seed's view ignores them).
            }
        }
        return lines;
    }

    private static String describeEvent(MonitorEvent event, MonitorState state) {
        return switch (event.type()) {
            case "progress" -> {
                String line = String.format(Locale.ROOT, "progress %s %.0f%%",
                        state.stage() != null ? state.stage() : "-", state.progressPct());
                if (state.currentTarget() != null) {
                    line += " target " + state.currentTarget();
                }
                if (state.targetsTotal() > 0) {
                    line += " (" + state.targetsComplete() + "/" + state.targetsTotal() + ")";
                }
                yield line;
            }
            case "stage_change" -> "stage " + Objects.requireNonNullElse(event.text("previous_stage"), "start")
                    + " -> " + Objects.requireNonNullElse(event.text("new_stage"), "?");
            case "target_complete" -> {
                String target = event.text("target") != null ? event.text("target") : "?";
                MonitorState.TargetRow row = state.completedTargets().stream()
                        .filter(r -> r.name().equals(target)).findFirst().orElse(null);
                yield row == null ? "target ? (no target name)"
                        : "target " + row.name() + ": " + row.status() + ", "
                        + (row.modelsTrained() != null ? row.modelsTrained() : "-") + " models, best AUC "
                        + ScreenRenderer.auc(row.bestAuc());
            }
            case "run_complete" -> {
                long succeeded = state.completedTargets().stream().filter(r -> r.status().equals("success")).count();
                yield "run complete: " + state.finalStatus()
                        + " after " + ScreenRenderer.duration(state.elapsedByEvents())
                        + ", " + succeeded + " of " + state.completedTargets().size() + " targets succeeded";
            }
            case "error" -> {
                List<MonitorState.ErrorRow> errors = state.errors();
                yield "error " + ScreenRenderer.describe(errors.get(errors.size() - 1));
            }
            default -> "event " + event.type();
        };
    }
}
