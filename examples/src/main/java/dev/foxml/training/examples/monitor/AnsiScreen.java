package dev.foxml.training.examples.monitor;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;

/**
 * {@link MonitorOutput} for a terminal: the screen of {@link ScreenRenderer} drawn from the top
 * left and redrawn in place, as {@code top} does, at most ten times a second and at least once a
 * second (for the elapsed time). Each line is cleared to its end and the rest of the screen below
 * the frame is cleared, so a shorter frame leaves nothing behind; the frame is kept within the
 * terminal's size so it never scrolls. The size is read before every frame: when the window was
 * resized the screen is cleared and redrawn to the new size at once (a terminal reflows or cuts
 * what it shows on a resize, so drawing over it in place would leave debris).
 */
final class AnsiScreen implements MonitorOutput {

    private static final String ESC = "\u001b[";
    private static final Duration MIN_INTERVAL = Duration.ofMillis(100);
    private static final Duration MAX_INTERVAL = Duration.ofSeconds(1);

    private final PrintStream out;
    private final ScreenRenderer renderer;
    private final Supplier<TerminalSize> size;
    private final String listening;
    private boolean dirty = true;
    private boolean started;
    private TerminalSize drawnSize;
    private Instant lastDraw;

    /**
     * @param out the terminal
     * @param renderer draws the lines
     * @param size the terminal's current size, read before each frame (cheaply: see {@link TerminalSizePoller})
     * @param listening where events are read from, shown under the title
     */
    AnsiScreen(PrintStream out, ScreenRenderer renderer, Supplier<TerminalSize> size, String listening) {
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
        TerminalSize current = size.get();
        if (!current.equals(drawnSize) || (dirty && since.compareTo(MIN_INTERVAL) >= 0)
                || since.compareTo(MAX_INTERVAL) >= 0) {
            draw(state, now, current);
        }
    }

    @Override
    public void finish(MonitorState state, Instant now) {
        draw(state, now, size.get());
        out.print(ESC + "?25h");
        out.flush();
        if (size instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception ignored) {
                // Only a poller to stop; nothing to report.
            }
        }
    }

    private void draw(MonitorState state, Instant now, TerminalSize current) {
        // One line short of the screen, and one column narrower, so the cursor never forces a scroll.
        List<String> lines = renderer.render(state, now, Math.max(1, current.columns() - 1),
                Math.max(1, current.rows() - 1), listening);
        StringBuilder frame = new StringBuilder();
        if (!started) {
            frame.append(ESC).append("?25l").append(ESC).append("2J");
            started = true;
        } else if (!current.equals(drawnSize)) {
            frame.append(ESC).append("2J");
        }
        drawnSize = current;
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
