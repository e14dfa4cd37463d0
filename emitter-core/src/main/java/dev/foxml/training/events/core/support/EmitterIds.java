package dev.foxml.training.events.core.support;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Random emitter ids: 64 bits as 16 lowercase hex characters, drawn once per emitter so that
 * {@code (emitter_id, seq)} identifies a line even when two emitters (two {@code init} calls, a
 * retried job in a new JVM) write the same run id and worker.
 *
 * <p>The bits come from the kernel's non-blocking source, {@code /dev/urandom}, read with a plain
 * {@link FileInputStream}: about a tenth of a millisecond, never waiting for entropy, and, unlike
 * an NIO channel, not closed by an interrupt of the calling thread. {@code SecureRandom} is not
 * used: loading its providers takes 100 ms or more at start. Where there is no
 * {@code /dev/urandom}, the id mixes the clocks, the process id, a per-JVM counter and
 * {@link ThreadLocalRandom}: not cryptographic, but distinct within a JVM and, with
 * overwhelming likelihood, between processes.
 */
public final class EmitterIds {
    private static final char[] HEX = "0123456789abcdef".toCharArray();
    private static final AtomicLong FALLBACK_COUNTER = new AtomicLong();

    private EmitterIds() {
    }

    /** A new random id: 16 lowercase hex characters. */
    public static String random() {
        return hex(randomBits());
    }

    public static String hex(long bits) {
        char[] chars = new char[16];
        for (int i = 15; i >= 0; i--) {
            chars[i] = HEX[(int) (bits & 0xF)];
            bits >>>= 4;
        }
        return new String(chars);
    }

    private static long randomBits() {
        try (InputStream in = new FileInputStream("/dev/urandom")) {
            byte[] b = new byte[8];
            int n = 0;
            while (n < b.length) {
                int read = in.read(b, n, b.length - n);
                if (read < 0) {
                    break;
                }
                n += read;
            }
            if (n == b.length) {
                long bits = 0;
                for (byte x : b) {
                    bits = (bits << 8) | (x & 0xFF);
                }
                return bits;
            }
        } catch (IOException | RuntimeException noUrandom) {
            // not Linux or macOS, or a sandbox without /dev: the fallback below
        }
        return fallbackBits();
    }

    public static long fallbackBits() {
        long pid;
        try {
            pid = ProcessHandle.current().pid();
        } catch (RuntimeException | LinkageError unavailable) {
            pid = 0;
        }
        return mix(System.nanoTime())
                ^ mix(System.currentTimeMillis() * 31 + pid)
                ^ mix(FALLBACK_COUNTER.incrementAndGet() * 0x9E3779B97F4A7C15L)
                ^ ThreadLocalRandom.current().nextLong();
    }

    /** MurmurHash3's 64-bit finaliser: every input bit affects every output bit. */
    private static long mix(long z) {
        z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
        z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
        return z ^ (z >>> 33);
    }
}
