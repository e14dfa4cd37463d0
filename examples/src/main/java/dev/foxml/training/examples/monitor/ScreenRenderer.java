package dev.foxml.training.examples.monitor;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Draws a {@link MonitorState} as the lines of one screen, what the seed's Rust view shows:
 * run id, stage, a progress bar with percent, current target with n/total, completed targets
 * with status, models and AUC, errors, elapsed time, and "No training running" or the final
 * status. Pure: the same state and clock give the same lines, and no line is wider than asked,
 * so a terminal never wraps one and redrawing in place stays aligned.
 */
final class ScreenRenderer {

    /** After this long without an event, a running run says how long it has been silent. */
    static final Duration SILENCE_WORTH_SHOWING = Duration.ofSeconds(10);

    private static final int MAX_BAR = 40;
    /** Lines one error message may take; an error is what a person most needs to read in full. */
    private static final int ERROR_LINES = 3;

    private final boolean unicode;

    /** @param unicode draw the bar with block characters (else {@code #} and {@code -}) */
    public ScreenRenderer(boolean unicode) {
        this.unicode = unicode;
    }

    /** As {@link #render(MonitorState, Instant, int, int, String)} with no limit on the number of lines. */
    public List<String> render(MonitorState state, Instant now, int width, String listening) {
        return render(state, now, width, Integer.MAX_VALUE, listening);
    }

    /**
     * @param state what to show
     * @param now the time, for elapsed and silence
     * @param width the widest a line may be
     * @param height the most lines to return; when the screen would be taller, only the most
     *     recent completed targets are listed, and if that is not enough the bottom is cut
     * @param listening where events are read from, shown under the title
     */
    public List<String> render(MonitorState state, Instant now, int width, int height, String listening) {
        List<String> lines = new ArrayList<>();
        lines.add("FoxML training monitor");
        lines.add("  " + listening);
        lines.add("");
        if (!state.hasRun()) {
            lines.add("No training running");
            lines.add("  waiting for the first event...");
            List<String> fitted = fit(lines, width);
            return fitted.size() <= height ? fitted : fitted.subList(0, Math.max(0, height));
        }
        lines.add(field("Run", state.runId() != null ? state.runId() : "(no run_id)"));
        lines.add(field("Status", status(state, now)));
        String stage = state.stage() != null ? state.stage() : "-";
        if (state.stages().size() > 1) {
            stage += "   (" + String.join(" > ", state.stages()) + ")";
        }
        lines.add(field("Stage", stage));
        lines.add(field("Progress", bar(state.progressPct(), Math.max(10, Math.min(MAX_BAR, width - 20)))
                + String.format(Locale.ROOT, " %3.0f%%", state.progressPct())));
        String target = state.currentTarget() != null ? state.currentTarget() : "-";
        if (state.targetsTotal() > 0) {
            target += " (" + state.targetsComplete() + "/" + state.targetsTotal() + ")";
        }
        lines.add(field("Target", target));

        List<String> tail = new ArrayList<>();
        if (state.errorCount() > 0) {
            tail.add("");
            tail.add("Errors (" + state.errorCount() + ")");
            List<MonitorState.ErrorRow> errors = state.errors();
            for (MonitorState.ErrorRow error : errors.subList(Math.max(0, errors.size() - 3), errors.size())) {
                tail.addAll(wrap(describe(error), width, ERROR_LINES));
            }
        }
        tail.add("");
        tail.add(String.format(Locale.ROOT,
                "events %d, duplicates dropped %d, other event types %d, unparseable lines %d",
                state.events(), state.duplicates(), state.unknownTypes(), state.malformed()));

        List<MonitorState.TargetRow> completed = state.completedTargets();
        lines.add("");
        lines.add("Completed targets (" + completed.size() + ")");
        if (!completed.isEmpty()) {
            lines.add(String.format(Locale.ROOT, "  %-14s %-9s %6s %9s", "TARGET", "STATUS", "MODELS", "BEST AUC"));
            // Keep the newest rows when the screen is short: header, "more" line and the rest.
            int room = height - lines.size() - tail.size();
            int shown = completed.size() <= room ? completed.size() : Math.max(1, room - 1);
            if (shown < completed.size()) {
                lines.add("  ... " + (completed.size() - shown) + " earlier");
            }
            for (MonitorState.TargetRow row : completed.subList(completed.size() - shown, completed.size())) {
                lines.add(String.format(Locale.ROOT, "  %-14s %-9s %6s %9s", TerminalText.safe(row.name()),
                        TerminalText.safe(row.status()),
                        row.modelsTrained() != null ? row.modelsTrained() : "-", auc(row.bestAuc())));
            }
        }
        lines.addAll(tail);
        List<String> fitted = fit(lines, width);
        return fitted.size() <= height ? fitted : fitted.subList(0, Math.max(0, height));
    }

    /** The one-line status: running, finished with the final status, or why the trainer is gone. */
    static String status(MonitorState state, Instant now) {
        String elapsed = "elapsed " + duration(state.elapsed(now));
        if (state.finished()) {
            return "finished: " + state.finalStatus() + ", " + elapsed;
        }
        if (state.trainerExitCode() != null) {
            return "trainer exited with code " + state.trainerExitCode() + " before run_complete, " + elapsed;
        }
        if (state.connectionLost()) {
            return "trainer disconnected before run_complete, last event "
                    + duration(state.silence(now)) + " ago";
        }
        String status = "running, " + elapsed;
        Duration silence = state.silence(now);
        if (silence.compareTo(SILENCE_WORTH_SHOWING) >= 0) {
            status += ", no event for " + duration(silence);
        }
        return status;
    }

    static String describe(MonitorState.ErrorRow error) {
        String recoverable = error.recoverable() == null ? ""
                : error.recoverable() ? " (recoverable)" : " (not recoverable)";
        return simpleName(error.type()) + recoverable + ": " + error.message();
    }

    /** An exception's simple name from its class name; other types unchanged. */
    static String simpleName(String type) {
        int dot = type.lastIndexOf('.');
        return dot >= 0 && dot < type.length() - 1 && !type.contains(" ") ? type.substring(dot + 1) : type;
    }

    /**
     * Word-wraps {@code text} into at most {@code maxLines} lines of at most {@code width}
     * characters, the first indented by two spaces and the rest by four, ending in {@code ...}
     * when it does not fit.
     */
    static List<String> wrap(String text, int width, int maxLines) {
        List<String> lines = new ArrayList<>();
        String rest = TerminalText.safe(text).strip();
        while (!rest.isEmpty() && lines.size() < maxLines) {
            String indent = lines.isEmpty() ? "  " : "    ";
            int room = Math.max(1, width - indent.length());
            boolean last = lines.size() == maxLines - 1;
            if (rest.length() <= room) {
                lines.add(indent + rest);
                rest = "";
            } else if (last) {
                lines.add(indent + rest.substring(0, Math.max(0, room - 3)) + "...");
                rest = "";
            } else {
                int cut = rest.lastIndexOf(' ', room);
                if (cut <= 0) {
                    cut = room;
                }
                lines.add(indent + rest.substring(0, cut).stripTrailing());
                rest = rest.substring(cut).stripLeading();
            }
        }
        return lines;
    }

    static String auc(Double auc) {
        return auc == null ? "-" : String.format(Locale.ROOT, "%.3f", auc);
    }

    /** {@code 27.3 s} under a minute, {@code 4:05} under an hour, else {@code 1:04:05}. */
    static String duration(Duration duration) {
        long millis = Math.max(0, duration.toMillis());
        if (millis < 60_000) {
            return String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
        }
        long seconds = millis / 1000;
        if (seconds < 3600) {
            return String.format(Locale.ROOT, "%d:%02d", seconds / 60, seconds % 60);
        }
        return String.format(Locale.ROOT, "%d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60);
    }

    private String bar(double percent, int width) {
        int filled = (int) Math.round(percent / 100 * width);
        char full = unicode ? '\u2588' : '#';
        char empty = unicode ? '\u2591' : '-';
        return "[" + String.valueOf(full).repeat(filled) + String.valueOf(empty).repeat(width - filled) + "]";
    }

    private static String field(String name, String value) {
        return String.format(Locale.ROOT, "%-10s%s", name, value);
    }

    private static List<String> fit(List<String> lines, int width) {
        List<String> fitted = new ArrayList<>(lines.size());
        for (String line : lines) {
            // Every line passes here: nothing an event carries reaches the terminal as a control.
            String clean = TerminalText.safe(line);
            fitted.add(clean.length() <= width ? clean : clean.substring(0, Math.max(0, width - 3)) + "...");
        }
        return fitted;
    }
}
