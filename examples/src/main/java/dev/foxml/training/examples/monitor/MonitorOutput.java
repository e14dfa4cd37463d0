package dev.foxml.training.examples.monitor;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.Charset;
import java.time.Instant;

/** Where the monitor shows what it knows: a screen redrawn in place, or plain log lines. */
public interface MonitorOutput {

    /** Called for every input, in order, right after it was applied to the state. */
    void update(MonitorState.Update update, MonitorState state, Instant now);

    /** Called after each batch of inputs and on every idle tick, so elapsed time can move on. */
    void refresh(MonitorState state, Instant now);

    /** Shows the final state; called once, when the monitor stops. */
    void finish(MonitorState state, Instant now);

    /**
     * A screen redrawn in place with ANSI escapes, for a terminal.
     *
     * @param listening where events are read from, shown under the title
     */
    static MonitorOutput terminal(PrintStream out, String listening, boolean unicode) {
        return new AnsiScreen(out, new ScreenRenderer(unicode), TerminalSizePoller.start(), listening);
    }

    /** One plain line per change, for pipes and files, with ASCII sparklines. */
    static MonitorOutput plain(PrintStream out) {
        return plain(out, false);
    }

    /**
     * One plain line per change, for pipes and files.
     *
     * @param unicode draw sparklines with block characters
     */
    static MonitorOutput plain(PrintStream out, boolean unicode) {
        return new PlainOutput(out, unicode);
    }

    /**
     * The terminal screen when {@code ansi} is {@code true}, plain lines when {@code false}, and
     * when {@code null} the screen only if standard input and output are a terminal
     * ({@link System#console()}) and {@code TERM} is not {@code dumb}.
     */
    static MonitorOutput choose(Boolean ansi, String listening) {
        boolean terminal = ansi != null ? ansi
                : System.console() != null && !"dumb".equals(System.getenv("TERM"));
        // Block characters only where the charset of the terminal (or of the locale, for a pipe) has them.
        Charset charset = System.console() != null ? System.console().charset() : nativeCharset();
        boolean unicode = charset.newEncoder().canEncode("\u2581\u2588\u2591");
        if (!terminal) {
            return plain(new PrintStream(new FileOutputStream(FileDescriptor.out), true, charset), unicode);
        }
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), false, charset);
        return terminal(out, listening, unicode);
    }

    private static Charset nativeCharset() {
        try {
            return Charset.forName(System.getProperty("native.encoding", Charset.defaultCharset().name()));
        } catch (RuntimeException unknown) {
            return Charset.defaultCharset();
        }
    }
}
