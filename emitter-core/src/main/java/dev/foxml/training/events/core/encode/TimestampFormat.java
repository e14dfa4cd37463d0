package dev.foxml.training.events.core.encode;

/**
 * Formats epoch microseconds as {@code 2026-01-21T12:34:56.123456+00:00} (what Python's
 * {@code datetime.now(timezone.utc).isoformat()} prints) into a reusable byte array (ASCII), by hand:
 * {@code DateTimeFormatter} allocates on every call. Not thread-safe; one per encoder.
 */
final class TimestampFormat {
    static final int LENGTH = 32;
    private static final long SECONDS_PER_DAY = 86_400L;

    private final byte[] bytes = new byte[LENGTH];
    private long cachedDay = Long.MIN_VALUE;
    private long cachedSecond = Long.MIN_VALUE;

    TimestampFormat() {
        bytes[4] = '-';
        bytes[7] = '-';
        bytes[10] = 'T';
        bytes[13] = ':';
        bytes[16] = ':';
        bytes[19] = '.';
        for (int i = 0; i < 6; i++) {
            bytes[26 + i] = (byte) "+00:00".charAt(i);
        }
    }

    /** Formats and returns the shared buffer, valid until the next call; always {@link #LENGTH} bytes. */
    byte[] format(long epochMicros) {
        long epochSecond = Math.floorDiv(epochMicros, 1_000_000L);
        int micros = (int) (epochMicros - epochSecond * 1_000_000L);
        if (epochSecond != cachedSecond) {
            // Events come many per second: date and time of day change rarely, the micros always.
            writeSecond(epochSecond);
            cachedSecond = epochSecond;
        }
        for (int i = 25; i >= 20; i--) {
            bytes[i] = (byte) ('0' + micros % 10);
            micros /= 10;
        }
        return bytes;
    }

    private void writeSecond(long epochSecond) {
        long day = Math.floorDiv(epochSecond, SECONDS_PER_DAY);
        int secondOfDay = (int) (epochSecond - day * SECONDS_PER_DAY);
        if (day != cachedDay) {
            writeDate(day);
            cachedDay = day;
        }
        two(secondOfDay / 3600, 11);
        two(secondOfDay / 60 % 60, 14);
        two(secondOfDay % 60, 17);
    }

    /** Civil date from days since 1970-01-01 (Howard Hinnant's algorithm, proleptic Gregorian). */
    private void writeDate(long epochDay) {
        long z = epochDay + 719_468;
        long era = Math.floorDiv(z, 146_097);
        long doe = z - era * 146_097;
        long yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        long mp = (5 * doy + 2) / 153;
        int day = (int) (doy - (153 * mp + 2) / 5 + 1);
        int month = (int) (mp < 10 ? mp + 3 : mp - 9);
        long year = yoe + era * 400 + (month <= 2 ? 1 : 0);
        int y = (int) Math.max(0, Math.min(9999, year));
        bytes[0] = (byte) ('0' + y / 1000);
        bytes[1] = (byte) ('0' + y / 100 % 10);
        bytes[2] = (byte) ('0' + y / 10 % 10);
        bytes[3] = (byte) ('0' + y % 10);
        two(month, 5);
        two(day, 8);
    }

    private void two(int value, int at) {
        bytes[at] = (byte) ('0' + value / 10);
        bytes[at + 1] = (byte) ('0' + value % 10);
    }
}
