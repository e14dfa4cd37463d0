package dev.foxml.training.events.core.delivery;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The uid read from {@code /proc/self/status}'s {@code Uid:} line, split by hand. */
class OwnerCheckTest {
    @Test
    void theEffectiveUidIsTheSecondOfTheLinesIds() {
        assertEquals(1000, OwnerCheck.effectiveUid("0\t1000\t0\t0"));
        assertEquals(7, OwnerCheck.effectiveUid("3  7 3 3"));
        assertEquals(4294967294L, OwnerCheck.effectiveUid("0\t4294967294"));
        assertEquals(42, OwnerCheck.effectiveUid("42"), "a line with one id: that one");
    }

    @Test
    void onLinuxItIsThisProcesssUid() throws Exception {
        Path status = Path.of("/proc/self/status");
        if (!Files.isReadable(status)) {
            return; // not Linux: the JDK's UnixSystem gives it
        }
        long expected = ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).longValue();
        // /proc/self belongs to the effective uid of a dumpable process, as the test JVM is.
        assertEquals(expected, OwnerCheck.ownUid());
    }
}
