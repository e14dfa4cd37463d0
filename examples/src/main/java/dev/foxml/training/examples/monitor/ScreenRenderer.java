package dev.foxml.training.examples.monitor;

import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Draws a {@link MonitorState} as the lines of one screen: run id; host, pid and JVM, parameters
 * and tags from {@code run_start}; the emitters when a run has several; status with elapsed time,
 * ETA and throughput; stage; a progress bar with percent, epoch and step; current target with
 * n/total and a sparkline of the chosen metric; the target's latest metrics; completed targets
 * with status, models, AUC and their sparkline; errors; and "No training running" or the final
 * status. Pure: the same state and clock give the same lines, and no line is wider than asked,
 * so a terminal never wraps one and redrawing in place stays aligned.
 */
final class ScreenRenderer {

    /** After this long without an event, a running run says how long it has been silent. */
    static final Duration SILENCE_WORTH_SHOWING = Duration.ofSeconds(10);

    private static final int MAX_BAR = 40;
    /** Lines one error message may take; an error is what a person most needs to read in full. */
    private static final int ERROR_LINES = 3;
    /** Values a sparkline shows at most, the most recent. */
    static final int SPARK_WIDTH = 12;
    private static final String SPARK_BLOCKS = "\u2581\u2582\u2583\u2584\u2585\u2586\u2587\u2588";
    private static final String SPARK_ASCII = "_.-~=+*#";

    private final boolean unicode;

    /** @param unicode draw the bar and sparklines with block characters (else ASCII) */
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
        MonitorState.EmitterRow started = state.started();
        if (started != null) {
            lines.add(field("Host", host(started)));
            if (!started.params().isEmpty()) {
                lines.add(field("Params", pairs(started.params())));
            }
            if (!started.tags().isEmpty()) {
                lines.add(field("Tags", pairs(started.tags())));
            }
        }
        List<MonitorState.EmitterRow> emitters = state.emitters();
        if (emitters.size() > 1) {
            lines.add(field("Emitters", emitters(emitters)));
        }
        lines.add(field("Status", status(state, now)));
        String stage = state.stage() != null ? state.stage() : "-";
        if (state.stages().size() > 1) {
            stage += "   (" + String.join(" > ", state.stages()) + ")";
        }
        lines.add(field("Stage", stage));
        String loop = loop(state);
        String percent = String.format(Locale.ROOT, " %3.0f%%", state.progressPct());
        int barWidth = Math.max(10, Math.min(MAX_BAR, width - 20 - (loop.isEmpty() ? 0 : loop.length() + 2)));
        lines.add(field("Progress", bar(state.progressPct(), barWidth) + percent + (loop.isEmpty() ? "" : "  " + loop)));
        String target = state.currentTarget() != null ? state.currentTarget() : "-";
        if (state.targetsTotal() > 0) {
            target += " (" + state.targetsComplete() + "/" + state.targetsTotal() + ")";
        }
        String trend = trend(state.sparkMetric(), state.sparkValues(state.currentTarget()));
        lines.add(field("Target", trend.isEmpty() ? target : target + "   " + trend));
        Map<String, Double> metrics = state.currentMetrics();
        if (!metrics.isEmpty()) {
            lines.add(field("Metrics", metrics(metrics, "  ")));
        }

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
        String sparkMetric = state.sparkMetric();
        lines.add("");
        lines.add("Completed targets (" + completed.size() + ")");
        if (!completed.isEmpty()) {
            lines.add(String.format(Locale.ROOT, "  %-14s %-9s %6s %9s", "TARGET", "STATUS", "MODELS", "BEST AUC")
                    + (sparkMetric == null ? "" : "  " + TerminalText.safe(sparkMetric)));
            // Keep the newest rows when the screen is short: header, "more" line and the rest.
            int room = height - lines.size() - tail.size();
            int shown = completed.size() <= room ? completed.size() : Math.max(1, room - 1);
            if (shown < completed.size()) {
                lines.add("  ... " + (completed.size() - shown) + " earlier");
            }
            for (MonitorState.TargetRow row : completed.subList(completed.size() - shown, completed.size())) {
                String trendColumn = sparkMetric == null ? ""
                        : "  " + spark(state.sparkValues(row.name()));
                lines.add(String.format(Locale.ROOT, "  %-14s %-9s %6s %9s", TerminalText.safe(row.name()),
                        TerminalText.safe(row.status()),
                        row.modelsTrained() != null ? row.modelsTrained() : "-", auc(row.bestAuc())) + trendColumn);
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
        Duration eta = state.eta(now);
        if (eta != null) {
            status += ", ETA " + duration(eta);
        }
        if (state.throughput() != null) {
            status += ", " + rate(state.throughput());
        }
        Duration silence = state.silence(now);
        if (silence.compareTo(SILENCE_WORTH_SHOWING) >= 0) {
            status += ", no event for " + duration(silence);
        }
        return status;
    }

    /** {@code epoch 3, step 1200}, what of it the latest progress carried; empty when neither. */
    static String loop(MonitorState state) {
        List<String> parts = new ArrayList<>(2);
        if (state.epoch() != null) {
            parts.add("epoch " + state.epoch());
        }
        if (state.step() != null) {
            parts.add("step " + state.step());
        }
        return String.join(", ", parts);
    }

    /** {@code 1,234 items/s}: whole numbers from 100 up, three significant digits below. */
    static String rate(double itemsPerSecond) {
        return (itemsPerSecond >= 100 ? String.format(Locale.ROOT, "%,.0f", itemsPerSecond)
                : number(itemsPerSecond, 3)) + " items/s";
    }

    /** A metric value for people: four significant digits, scientific when tiny or huge; {@code -} for none. */
    static String number(Double value) {
        return value == null ? "-" : number(value, 4);
    }

    private static String number(double value, int digits) {
        if (!Double.isFinite(value)) {
            return "-";
        }
        double magnitude = Math.abs(value);
        if (magnitude != 0 && (magnitude < 1e-3 || magnitude >= 1e7)) {
            return String.format(Locale.ROOT, "%." + (digits - 1) + "e", value);
        }
        return new BigDecimal(value).round(new MathContext(digits)).stripTrailingZeros().toPlainString();
    }

    /** {@code loss 0.25, lr 1.000e-04} with the given separator. */
    static String metrics(Map<String, Double> metrics, String separator) {
        List<String> parts = new ArrayList<>(metrics.size());
        metrics.forEach((name, value) -> parts.add(name + " " + number(value)));
        return String.join(separator, parts);
    }

    /** {@code lr=0.1, epochs=10}. */
    static String pairs(Map<String, String> pairs) {
        List<String> parts = new ArrayList<>(pairs.size());
        pairs.forEach((key, value) -> parts.add(key + "=" + value));
        return String.join(", ", parts);
    }

    /** {@code gpu-node-7, pid 48213, JVM 17.0.15+6, worker rank-3}: what is known of them. */
    static String host(MonitorState.EmitterRow emitter) {
        List<String> parts = new ArrayList<>(4);
        parts.add(emitter.host() != null ? emitter.host() : "unknown host");
        if (emitter.pid() != null) {
            parts.add("pid " + emitter.pid());
        }
        if (emitter.jvmVersion() != null) {
            parts.add("JVM " + emitter.jvmVersion());
        }
        if (emitter.worker() != null) {
            parts.add("worker " + emitter.worker());
        }
        return String.join(", ", parts);
    }

    /** {@code 2: 1f3a9c0d cancelled, 9bc2e4f1 running}. */
    static String emitters(List<MonitorState.EmitterRow> emitters) {
        List<String> parts = new ArrayList<>(emitters.size());
        for (MonitorState.EmitterRow emitter : emitters) {
            parts.add(emitterName(emitter) + (emitter.pid() != null ? " (pid " + emitter.pid() + ")" : "") + " "
                    + (emitter.status() != null ? emitter.status() : "running"));
        }
        return emitters.size() + ": " + String.join(", ", parts);
    }

    /** The first 8 characters of the emitter id, else its worker. */
    static String emitterName(MonitorState.EmitterRow emitter) {
        if (emitter.id() != null) {
            return emitter.id().length() > 8 ? emitter.id().substring(0, 8) : emitter.id();
        }
        return emitter.worker() != null ? "worker " + emitter.worker() : "(no emitter id)";
    }

    /** {@code val_auc ▁▃▅▇▇ 0.883}, or empty when there is no metric or no value. */
    String trend(String metric, List<Double> values) {
        return metric == null || values.isEmpty() ? "" : metric + " " + spark(values);
    }

    /** {@code ▁▃▅▇▇ 0.883}: the last {@value #SPARK_WIDTH} values scaled to their range, and the last; {@code -} for none. */
    String spark(List<Double> values) {
        return values.isEmpty() ? "-" : sparkline(values, unicode) + " " + number(values.get(values.size() - 1));
    }

    /**
     * The last {@value #SPARK_WIDTH} values as bars from lowest to highest of their range (all
     * middle bars when they are equal).
     */
    static String sparkline(List<Double> values, boolean unicode) {
        String levels = unicode ? SPARK_BLOCKS : SPARK_ASCII;
        List<Double> shown = values.subList(Math.max(0, values.size() - SPARK_WIDTH), values.size());
        double min = shown.stream().mapToDouble(Double::doubleValue).min().orElse(0);
        double max = shown.stream().mapToDouble(Double::doubleValue).max().orElse(0);
        StringBuilder line = new StringBuilder(shown.size());
        for (double value : shown) {
            int level = max > min ? (int) Math.round((value - min) / (max - min) * (levels.length() - 1))
                    : levels.length() / 2 - 1;
            line.append(levels.charAt(level));
        }
        return line.toString();
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
