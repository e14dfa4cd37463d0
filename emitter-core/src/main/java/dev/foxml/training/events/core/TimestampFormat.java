package dev.foxml.training.events.core;

/**
 * Formats epoch microseconds as {@code 2026-01-21T12:34:56.123456+00:00} (what Python's
 * {@code datetime.now(timezone.utc).isoformat()} prints) into a reusable char array, by hand:
 * {@code DateTimeFormatter} allocates on every call. Not thread-safe; one per encoder.
 */
final class TimestampFormat {
    static final int LENGTH = 32;
    private static final long MICROS_PER_DAY = 86_400_000_000L;

    private final char[] chars = new char[LENGTH];
    private long cachedDay = Long.MIN_VALUE;

    TimestampFormat() {
        chars[4] = '-';
        chars[7] = '-';
        chars[10] = 'T';
        chars[13] = ':';
        chars[16] = ':';
        chars[19] = '.';
        "+00:00".getChars(0, 6, chars, 26);
    }

    /** Formats and returns the shared buffer, valid until the next call; always {@link #LENGTH} chars. */
    char[] format(long epochMicros) {
        long day = Math.floorDiv(epochMicros, MICROS_PER_DAY);
        long microsOfDay = epochMicros - day * MICROS_PER_DAY;
        if (day != cachedDay) {
            writeDate(day);
            cachedDay = day;
        }
        long secondOfDay = microsOfDay / 1_000_000L;
        int micros = (int) (microsOfDay - secondOfDay * 1_000_000L);
        int hour = (int) (secondOfDay / 3600);
        int minute = (int) (secondOfDay / 60 % 60);
        int second = (int) (secondOfDay % 60);
        two(hour, 11);
        two(minute, 14);
        two(second, 17);
        for (int i = 25; i >= 20; i--) {
            chars[i] = (char) ('0' + micros % 10);
            micros /= 10;
        }
        return chars;
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
        chars[0] = (char) ('0' + y / 1000);
        chars[1] = (char) ('0' + y / 100 % 10);
        chars[2] = (char) ('0' + y / 10 % 10);
        chars[3] = (char) ('0' + y % 10);
        two(month, 5);
        two(day, 8);
    }

    private void two(int value, int at) {
        chars[at] = (char) ('0' + value / 10);
        chars[at + 1] = (char) ('0' + value % 10);
    }
}
