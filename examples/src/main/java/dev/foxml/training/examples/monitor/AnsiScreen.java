package dev.foxml.training.examples.monitor;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * {@link MonitorOutput} for a terminal: the screen of {@link ScreenRenderer} drawn from the top
 * left and redrawn in place, as {@code top} does, at most ten times a second and at least once a
 * second (for the elapsed time). Each line is cleared to its end and the rest of the screen below
 * the frame is cleared, so a shorter frame leaves nothing behind; the frame is kept within the
 * terminal's size so it never scrolls.
 */
final class AnsiScreen implements MonitorOutput {

    private static final String ESC = "\u001b[";
    private static final Duration MIN_INTERVAL = Duration.ofMillis(100);
    private static final Duration MAX_INTERVAL = Duration.ofSeconds(1);

    private final PrintStream out;
    private final ScreenRenderer renderer;
    private final TerminalSize size;
    private final String listening;
    private boolean dirty = true;
    private boolean started;
    private Instant lastDraw;

    AnsiScreen(PrintStream out, ScreenRenderer renderer, TerminalSize size, String listening) {
        this.out = out;
        this.renderer = renderer;
        this.size = size;
        this.listening = listening;
    }

    @Override
    public void update(MonitorState.Update update, MonitorState state, Instant now) {
        dirty |= update.changesView();
    }

    @Override
    public void refresh(MonitorState state, Instant now) {
        Duration since = lastDraw == null ? MAX_INTERVAL : Duration.between(lastDraw, now);
        if ((dirty && since.compareTo(MIN_INTERVAL) >= 0) || since.compareTo(MAX_INTERVAL) >= 0) {
            draw(state, now);
        }
    }

    @Override
    public void finish(MonitorState state, Instant now) {
        draw(state, now);
        out.print(ESC + "?25h");
        out.flush();
    }

    private void draw(MonitorState state, Instant now) {
        // One line short of the screen, and one column narrower, so the cursor never forces a scroll.
        List<String> lines = renderer.render(state, now, size.columns() - 1, size.rows() - 1, listening);
        StringBuilder frame = new StringBuilder();
        if (!started) {
            frame.append(ESC).append("?25l").append(ESC).append("2J");
            started = true;
        }
        frame.append(ESC).append('H');
        for (String line : lines) {
            frame.append(line).append(ESC).append('K').append('\n');
        }
        frame.append(ESC).append('J');
        out.print(frame);
        out.flush();
        dirty = false;
        lastDraw = now;
    }
}
