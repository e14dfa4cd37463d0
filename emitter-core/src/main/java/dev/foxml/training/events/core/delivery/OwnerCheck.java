package dev.foxml.training.events.core.delivery;

import dev.foxml.training.events.core.support.LogOutput;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;

/**
 * Who this process runs as, and the check that a socket or file in a shared directory such as
 * {@code /tmp} belongs to that user before events are written to it. Anyone can create
 * {@code /tmp/foxml_training_events.jsonl} or bind {@code /tmp/foxml_training_events.sock}
 * first; writing events there would hand the run's data to that user. The check is an explicit
 * comparison of uids, so it holds for root too (who could otherwise write anywhere).
 *
 * <p>Runs when a file is opened or a socket connected, never per write.
 */
public final class OwnerCheck {
    /** The uid could not be found: ownership checks are skipped (warned once per process). */
    static final long UNKNOWN = -1;

    /**
     * Found when a socket or file is first checked, on the thread that opens it (the writer
     * thread in asynchronous mode), not when the emitter is built: it reads a file.
     */
    private static final long OWN_UID = findOwnUid();

    static {
        if (OWN_UID == UNKNOWN) { // once per process, as the uid does not change
            LogOutput.warn(LogOutput.PLATFORM, "cannot tell which user this process runs as: a socket or event"
                    + " file of another user in a shared directory is not refused");
        }
    }

    private OwnerCheck() {
    }

    /** The effective uid of this process, or {@link #UNKNOWN}. */
    public static long ownUid() {
        return OWN_UID;
    }

    /**
     * The uid owning {@code path} itself (a symbolic link is not followed), or {@link #UNKNOWN}
     * when the file system has no uids.
     */
    public static long ownerUid(Path path, LinkOption... options) throws IOException {
        try {
            Object uid = Files.getAttribute(path, "unix:uid", options);
            return uid instanceof Integer ? Integer.toUnsignedLong((Integer) uid) : UNKNOWN;
        } catch (UnsupportedOperationException | IllegalArgumentException noUnixView) {
            return UNKNOWN;
        }
    }

    /**
     * Throws unless {@code ownerUid} is this process's uid (or either is unknown).
     *
     * @param what what the path is for the message, e.g. "the event file"
     * @param fix what the user should do, appended to the message
     */
    static void requireOwn(Path path, long ownerUid, String what, String fix) throws NotOwnedException {
        long own = OWN_UID;
        if (own == UNKNOWN || ownerUid == UNKNOWN || ownerUid == own) {
            return;
        }
        throw new NotOwnedException("refusing " + what + " " + path + ": it belongs to uid " + ownerUid
                + ", not to this process's user (uid " + own + "); " + fix);
    }

    /**
     * Linux: the effective uid from {@code /proc/self/status} (correct even for a non-dumpable
     * process, whose {@code /proc/self} is owned by root). Elsewhere (macOS): the JDK's
     * {@code com.sun.security.auth.module.UnixSystem}, when the runtime has it.
     */
    private static long findOwnUid() {
        try {
            List<String> status = Files.readAllLines(Path.of("/proc/self/status"), StandardCharsets.UTF_8);
            for (String line : status) {
                if (line.startsWith("Uid:")) {
                    return effectiveUid(line.substring(4).trim());
                }
            }
        } catch (IOException | RuntimeException noProc) {
            // not Linux: try the JDK below
        }
        try {
            Class<?> unixSystem = Class.forName("com.sun.security.auth.module.UnixSystem");
            Object system = unixSystem.getConstructor().newInstance();
            return (Long) unixSystem.getMethod("getUid").invoke(system);
        } catch (ReflectiveOperationException | RuntimeException | LinkageError absent) {
            return UNKNOWN;
        }
    }

    /**
     * The effective uid from the ids of a {@code Uid:} line (real, effective, saved, file system;
     * separated by tabs), or the only one. Split by hand: a regular expression's first use costs
     * milliseconds of the writer's start.
     */
    static long effectiveUid(String ids) {
        int end = wordEnd(ids);
        if (end == ids.length()) {
            return Long.parseLong(ids);
        }
        String rest = ids.substring(end).trim();
        return Long.parseLong(rest.substring(0, wordEnd(rest)));
    }

    /** Where the first run of non-whitespace characters of {@code s} ends. */
    private static int wordEnd(String s) {
        int end = 0;
        while (end < s.length() && !Character.isWhitespace(s.charAt(end))) {
            end++;
        }
        return end;
    }

    /** A file or socket belongs to another user: nothing is written to it. */
    public static final class NotOwnedException extends IOException {
        NotOwnedException(String message) {
            super(message);
        }
    }
}
