package dev.foxml.training.events.core.delivery;

import dev.foxml.training.events.core.EmitterSetting;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * Opens the event file for appending where anyone may have put something first (the default is
 * in {@code /tmp}). The path is checked without following links: a symbolic link, anything but a
 * regular file (a FIFO would block the open), a file of another user (see {@link OwnerCheck}) and
 * a file with several hard links are refused. A file that is not there is created exclusively
 * ({@code O_EXCL}) and owner-only (0600), so that nothing that appears between the check and the
 * open is opened instead.
 */
final class EventFileOpener {
    private static final Set<OpenOption> CREATE_OPTIONS = Set.of(StandardOpenOption.CREATE_NEW,
            StandardOpenOption.WRITE, StandardOpenOption.APPEND, LinkOption.NOFOLLOW_LINKS);
    private static final Set<OpenOption> APPEND_OPTIONS = Set.of(StandardOpenOption.WRITE,
            StandardOpenOption.APPEND, LinkOption.NOFOLLOW_LINKS);
    private static final Set<OpenOption> READ_OPTIONS = Set.of(StandardOpenOption.READ,
            StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
    private static final String UNIX_ATTRIBUTES = "unix:isSymbolicLink,isRegularFile,fileKey,uid,nlink";
    private static final String BASIC_ATTRIBUTES = "basic:isSymbolicLink,isRegularFile,fileKey";
    private static final String FILE_SETTING = EmitterSetting.FILE.environmentVariable();
    private static final FileAttribute<Set<PosixFilePermission>> OWNER_ONLY =
            PosixFilePermissions.asFileAttribute(EnumSet.of(PosixFilePermission.OWNER_READ,
                    PosixFilePermission.OWNER_WRITE));

    private EventFileOpener() {
    }

    /**
     * The file as opened: append-only for the batches; also for reading and writing (null when
     * its owner made it write-only) for the last byte at open, a torn fragment cut off after a
     * failed write, and the lines read back from a deleted file.
     *
     * @param fileKey the file's key at the path when it was opened, to notice it leaving the path
     * @param startWithNewline whether it ends in a partial line the next batch must end first
     */
    record Opened(FileChannel channel, FileChannel reader, Object fileKey, boolean startWithNewline) {
    }

    /**
     * Opens (or creates) the event file at {@code path}.
     *
     * @throws IOException when it is refused or cannot be opened; the message says why
     */
    static Opened open(Path path) throws IOException {
        FileChannel c = null;
        FileChannel r = null;
        Object checkedKey = null;
        for (int attempt = 0; c == null; attempt++) {
            Map<String, Object> existing = attributesOrNull(path);
            if (existing == null) {
                try {
                    // O_CREAT|O_EXCL: never opens what appeared since the check (a FIFO would
                    // block, a link would lead elsewhere), and the new file is ours, 0600.
                    c = create(path);
                } catch (FileAlreadyExistsException raced) {
                    if (attempt > 0) {
                        throw raced;
                    }
                }
            } else {
                checkedKey = checkExisting(path, existing);
                // Should the path have been swapped for a FIFO since the check, a write-only open
                // would wait for a reader. O_RDWR opens even a FIFO at once (Linux), and with it
                // open the FIFO has a reader, so the append-only open below does not wait either;
                // the file key check then refuses what was opened.
                try {
                    r = FileChannel.open(path, READ_OPTIONS);
                } catch (AccessDeniedException writeOnly) {
                    r = null; // a file its owner made write-only: appended to, not read
                }
                try {
                    c = FileChannel.open(path, APPEND_OPTIONS);
                } catch (IOException | RuntimeException e) {
                    if (r != null) {
                        r.close();
                    }
                    throw e;
                }
            }
        }
        try {
            Object openedKey = fileKeyOrNull(path);
            if (checkedKey != null && !checkedKey.equals(openedKey)) {
                throw new IOException("refusing to write events to " + path
                        + ": it was replaced while being opened; it is checked again at the next write");
            }
            if (r == null && checkedKey == null) {
                // Created here: a reader for cutting back a torn fragment and for reading back
                // lines should the file be deleted.
                r = readerOfCreatedFile(path, openedKey);
            }
            // A file this transport has just created is not looked at: it was empty, and
            // whoever else appends to it writes whole lines.
            boolean startWithNewline = checkedKey != null && r != null && PartialLastLine.endsIn(r, openedKey);
            return new Opened(c, r, openedKey, startWithNewline);
        } catch (IOException | RuntimeException e) {
            c.close();
            if (r != null) {
                r.close();
            }
            throw e;
        }
    }

    /** The key of the file at the path now (not following a link), or null when there is none. */
    static Object fileKeyOrNull(Path path) {
        try {
            return Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
        } catch (IOException e) {
            return null;
        }
    }

    /** The file just created, opened again for reading, or null (it is appended to all the same). */
    private static FileChannel readerOfCreatedFile(Path path, Object openedKey) {
        FileChannel r = null;
        try {
            r = FileChannel.open(path, READ_OPTIONS);
            if (openedKey != null && openedKey.equals(fileKeyOrNull(path))) {
                return r;
            }
        } catch (IOException | RuntimeException e) {
            // no reader: a torn fragment is repaired at reopening instead, a deleted file's last lines are lost
        }
        if (r != null) {
            try {
                r.close();
            } catch (IOException ignored) {
                // never written through
            }
        }
        return null;
    }

    private static FileChannel create(Path path) throws IOException {
        try {
            return FileChannel.open(path, CREATE_OPTIONS, OWNER_ONLY);
        } catch (UnsupportedOperationException noPosix) {
            return FileChannel.open(path, CREATE_OPTIONS);
        }
    }

    /** The attributes of what is at the path now (a link itself, not its target), or null when nothing is. */
    private static Map<String, Object> attributesOrNull(Path path) throws IOException {
        try {
            try {
                return Files.readAttributes(path, UNIX_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
            } catch (UnsupportedOperationException | IllegalArgumentException noUnixView) {
                return Files.readAttributes(path, BASIC_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
            }
        } catch (NoSuchFileException absent) {
            return null;
        }
    }

    /**
     * Refuses what must not be appended to: a symbolic link (it can point at any file of ours),
     * anything but a regular file (a FIFO would block the open, a device would take the bytes),
     * a file of another user (they would read the run's events, or feed the bridge theirs) and
     * a file with several hard links (another name for one of our own files).
     *
     * @return the file key, to see that the file opened is the file checked
     */
    private static Object checkExisting(Path path, Map<String, Object> attributes) throws IOException {
        if (Boolean.TRUE.equals(attributes.get("isSymbolicLink"))) {
            throw new IOException("refusing to write events through the symbolic link " + path
                    + " (it can point at any file): remove it or choose another event file (" + FILE_SETTING + ")");
        }
        if (!Boolean.TRUE.equals(attributes.get("isRegularFile"))) {
            throw new IOException("refusing to write events to " + path
                    + ": it is not a regular file (a directory, FIFO, socket or device)");
        }
        Object uid = attributes.get("uid");
        if (uid instanceof Integer) {
            OwnerCheck.requireOwn(path, Integer.toUnsignedLong((Integer) uid), "to append events to the file",
                    "remove it or choose another event file (" + FILE_SETTING + ")");
        }
        Object links = attributes.get("nlink");
        if (links instanceof Integer && (Integer) links > 1) {
            throw new IOException("refusing to write events to " + path + ": it has " + links
                    + " hard links, so it is also another file; remove it or choose another event file ("
                    + FILE_SETTING + ")");
        }
        return attributes.get("fileKey");
    }
}
