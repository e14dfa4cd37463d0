package dev.foxml.training.examples.monitor;

import java.io.PrintStream;
import java.time.Instant;
import java.util.Locale;

/** {@link MonitorOutput} as plain lines (see {@link PlainLines}), flushed as they are written. */
final class PlainOutput implements MonitorOutput {

    private final PrintStream out;
    private final PlainLines lines;

    /**
     * @param out where the lines go
     * @param unicode draw sparklines with block characters (else ASCII)
     */
    PlainOutput(PrintStream out, boolean unicode) {
        this.out = out;
        this.lines = new PlainLines(unicode);
    }

    @Override
    public void update(MonitorState.Update update, MonitorState state, Instant now) {
        for (String line : lines.describe(update, state, now)) {
            print(line);
        }
        out.flush();
    }

    @Override
    public void refresh(MonitorState state, Instant now) {
        // Lines are written as changes happen; there is nothing to redraw.
    }

    @Override
    public void finish(MonitorState state, Instant now) {
        if (!state.hasRun()) {
            print("No training running: no events arrived.");
        } else if (!state.finished()) {
            print(String.format(Locale.ROOT, "[%8s] monitor stopped; run %s: %s",
                    ScreenRenderer.duration(state.elapsed(now)), state.runId(), ScreenRenderer.status(state, now)));
        }
        out.flush();
    }

    /** Every line goes out here, so nothing an event carries reaches the terminal as a control. */
    private void print(String line) {
        out.println(TerminalText.safe(line));
    }
}
