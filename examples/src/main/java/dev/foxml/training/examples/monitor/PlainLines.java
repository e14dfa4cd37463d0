package dev.foxml.training.examples.monitor;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Describes each change of a {@link MonitorState} as plain log lines, for output that is not a
 * terminal (a pipe, a file, a CI log): no cursor movement, one line per change, prefixed with the
 * time of the event in the run. It says what the screen shows: {@code run_start}'s host, pid and
 * parameters, another emitter joining the run, a progress line's epoch, step, ETA, throughput and
 * metrics, and with each completed target the sparkline of the chosen metric. Duplicates, blank
 * lines and events of other types change nothing shown and print nothing.
 */
final class PlainLines {

    private final ScreenRenderer renderer;

    /** @param unicode draw sparklines with block characters (else ASCII) */
    PlainLines(boolean unicode) {
        this.renderer = new ScreenRenderer(unicode);
    }

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
                String run = state.runId() != null ? state.runId() : "(no run_id)";
                if (update.newRun()) {
                    lines.add(prefix + "run " + run);
                }
                if (update.newEmitter()) {
                    List<MonitorState.EmitterRow> emitters = state.emitters();
                    lines.add(prefix + "another emitter of run " + run + ": "
                            + ScreenRenderer.emitterName(emitters.get(emitters.size() - 1))
                            + " (" + emitters.size() + " emitters)");
                }
                lines.add(prefix + describeEvent(update.event(), state, now));
            }
            case MALFORMED -> lines.add(prefix + "ignored a line that is not an event (" + update.detail() + ")");
            case CONNECTION_LOST -> lines.add(prefix + "trainer connection closed before run_complete");
            case TRAINER_EXITED -> lines.add(prefix + update.detail());
            case DUPLICATE, BLANK, UNKNOWN_TYPE, IGNORED -> {
                // Nothing the reader would see changed (other event types, e.g. heartbeats, are
                // only counted, as the Rust view ignores them).
            }
        }
        return lines;
    }

    private String describeEvent(MonitorEvent event, MonitorState state, Instant now) {
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
                String loop = ScreenRenderer.loop(state);
                if (!loop.isEmpty()) {
                    line += " " + loop;
                }
                Duration eta = state.eta(now);
                if (eta != null) {
                    line += ", ETA " + ScreenRenderer.duration(eta);
                }
                if (state.throughput() != null) {
                    line += ", " + ScreenRenderer.rate(state.throughput());
                }
                Map<String, Double> metrics = event.numbers("metrics");
                if (!metrics.isEmpty()) {
                    line += "; " + ScreenRenderer.metrics(metrics, ", ");
                }
                yield line;
            }
            case "stage_change" -> "stage " + Objects.requireNonNullElse(event.text("previous_stage"), "start")
                    + " -> " + Objects.requireNonNullElse(event.text("new_stage"), "?");
            case "target_complete" -> {
                String target = event.text("target") != null ? event.text("target") : "?";
                MonitorState.TargetRow row = state.completedTargets().stream()
                        .filter(r -> r.name().equals(target)).findFirst().orElse(null);
                if (row == null) {
                    yield "target ? (no target name)";
                }
                String line = "target " + row.name() + ": " + row.status() + ", "
                        + (row.modelsTrained() != null ? row.modelsTrained() : "-") + " models, best AUC "
                        + ScreenRenderer.auc(row.bestAuc());
                if (!row.metrics().isEmpty()) {
                    line += "; " + ScreenRenderer.metrics(row.metrics(), ", ");
                }
                String trend = renderer.trend(state.sparkMetric(), state.sparkValues(row.name()));
                yield trend.isEmpty() ? line : line + "; " + trend;
            }
            case "run_start" -> {
                MonitorState.EmitterRow emitter = emitterOf(event, state);
                String line = "run_start " + ScreenRenderer.emitterName(emitter) + " on " + ScreenRenderer.host(emitter);
                if (!emitter.params().isEmpty()) {
                    line += "; params " + ScreenRenderer.pairs(emitter.params());
                }
                if (!emitter.tags().isEmpty()) {
                    line += "; tags " + ScreenRenderer.pairs(emitter.tags());
                }
                yield line;
            }
            case "run_complete" -> {
                if (!state.finished()) {
                    long running = state.emitters().stream().filter(e -> e.status() == null).count();
                    yield "emitter " + ScreenRenderer.emitterName(emitterOf(event, state)) + " complete: " + Objects.requireNonNullElse(event.text("status"), "unknown")
                            + "; the run goes on (" + running + " of " + state.emitters().size() + " emitters running)";
                }
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

    /** The row of the emitter that sent an applied event. */
    private static MonitorState.EmitterRow emitterOf(MonitorEvent event, MonitorState state) {
        return state.emitters().stream()
                .filter(e -> event.emitterId() != null ? event.emitterId().equals(e.id())
                        : e.id() == null && Objects.equals(e.worker(), event.worker()))
                .findFirst().orElseThrow();
    }
}
