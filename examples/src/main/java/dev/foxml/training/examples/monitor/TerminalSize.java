package dev.foxml.training.examples.monitor;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * The size of the controlling terminal, asked of {@code stty} (the JDK has no call for it), else
 * taken from {@code COLUMNS} and {@code LINES}, else 80 by 24. {@link TerminalSizePoller} asks
 * again every second, so the screen follows a resized window.
 *
 * @param columns characters per line
 * @param rows lines on the screen
 */
record TerminalSize(int columns, int rows) {

    static final TerminalSize DEFAULT = new TerminalSize(80, 24);

    /** Asks {@code stty}, else the environment, else {@link #DEFAULT}. */
    static TerminalSize detect() {
        TerminalSize fromStty = stty();
        if (fromStty != null) {
            return fromStty;
        }
        return new TerminalSize(envInt("COLUMNS", DEFAULT.columns), envInt("LINES", DEFAULT.rows));
    }

    /** The size {@code stty size} reports for {@code /dev/tty}, or {@code null} when it cannot tell. */
    static TerminalSize stty() {
        File tty = new File("/dev/tty");
        if (!tty.exists()) {
            return null;
        }
        try {
            Process process = new ProcessBuilder("stty", "size")
                    .redirectInput(ProcessBuilder.Redirect.from(tty))
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            if (!process.waitFor(1, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return null;
            }
            String[] parts = new String(process.getInputStream().readAllBytes(), StandardCharsets.US_ASCII)
                    .trim().split("\\s+");
            if (process.exitValue() != 0 || parts.length != 2) {
                return null;
            }
            int rows = Integer.parseInt(parts[0]);
            int columns = Integer.parseInt(parts[1]);
            return rows > 0 && columns > 0 ? new TerminalSize(columns, rows) : null;
        } catch (IOException | NumberFormatException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private static int envInt(String name, int fallback) {
        try {
            String value = System.getenv(name);
            return value != null ? Math.max(1, Integer.parseInt(value.trim())) : fallback;
        } catch (NumberFormatException e) {
            return fallback;
        }
    }
}
