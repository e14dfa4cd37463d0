package dev.foxml.training.events.core.delivery;

import dev.foxml.training.events.core.spi.Transport;
import dev.foxml.training.events.core.support.RateLimitedLog;

/**
 * Says where lines go, once at the start and at each change (primary or fallback), and warns
 * about failures to open the primary without flooding the log: a socket file no one listens on
 * (a bridge that crashed), or one of another user, fails every attempt the same way, so it is
 * warned about when the failure starts or changes, then again at most every
 * {@link #connectWarningRepeatNanos} while it lasts, with how many attempts failed meanwhile.
 *
 * <p>Not thread-safe: used by {@link FailoverDelivery} only.
 */
final class RouteLog {
    /** How often an unchanged failure to connect is warned about again while it lasts. */
    static final long CONNECT_WARNING_REPEAT_NANOS = java.util.concurrent.TimeUnit.HOURS.toNanos(1);

    /** Where lines go now. */
    private enum Route { UNDECIDED, PRIMARY, FALLBACK }

    private final Transport primary;
    private final Fallback fallback;
    private final boolean journal;
    private final long reconnectMaxNanos;
    private final RateLimitedLog log;
    private Route route = Route.UNDECIDED;
    /** Why the last attempt to open failed (null after a success): warned about when it changes. */
    private String openFailure;
    private long openFailureWarnedAt;
    /** Attempts that failed the same way since that warning. */
    private long openFailuresSinceWarning;
    /** {@link #CONNECT_WARNING_REPEAT_NANOS}; shorter in a test that watches the repeats. */
    long connectWarningRepeatNanos = CONNECT_WARNING_REPEAT_NANOS;

    RouteLog(Transport primary, Fallback fallback, boolean journal, long reconnectMaxNanos, RateLimitedLog log) {
        this.primary = primary;
        this.fallback = fallback;
        this.journal = journal;
        this.reconnectMaxNanos = reconnectMaxNanos;
        this.log = log;
    }

    /** The primary opened: lines go to it (and to the file in journal mode). */
    void toPrimary() {
        openFailure = null;
        if (route == Route.PRIMARY) {
            return;
        }
        String also = journal ? ", and to " + fallback.describe() + " (journal mode)" : "";
        log.info(route == Route.UNDECIDED ? "events go to " + primary.describe() + also
                : primary.describeBack() + also + (journal ? "" : ", no longer to " + fallback.describe()));
        route = Route.PRIMARY;
    }

    /** Lines go to the fallback (said once, when they start to). */
    void toFallback() {
        if (route == Route.FALLBACK) {
            return;
        }
        if (route == Route.UNDECIDED) {
            log.info(primary.describeAbsent() + "; events go to " + fallback.describe());
        } else {
            log.info("events go to " + fallback.describe() + " until " + primary.describe() + " is back");
        }
        route = Route.FALLBACK;
    }

    /** The primary is not there yet (a cheap check, no attempt made): a later failure is news again. */
    void primaryAbsent() {
        openFailure = null;
    }

    /** The open primary failed: warned about with its reason (rate-limited), else said as a route change. */
    void primaryFailed(String why) {
        if (log.tryAcquire("socket-failed")) {
            log.log("socket-failed", why + "; events go to " + fallback.describe() + " until it is back");
            route = Route.FALLBACK;
        } else {
            toFallback();
        }
    }

    /**
     * An attempt to open the primary failed.
     *
     * @param failure why, for the warning
     * @param refused whether the primary was refused (another user's socket): retrying changes
     *     nothing until someone acts, so the warning does not promise it
     */
    void openFailed(String failure, boolean refused, long now) {
        boolean changed = !failure.equals(openFailure);
        if (!changed && now - openFailureWarnedAt < connectWarningRepeatNanos) {
            openFailuresSinceWarning++;
            return;
        }
        toFallback();
        if (!log.tryAcquire("socket-connect")) {
            // Within the warning interval of the last one (a bridge flapping): not yet warned,
            // so the next attempt that fails tries again.
            openFailuresSinceWarning++;
            return;
        }
        String repeated = changed ? ""
                : " (still; " + openFailuresSinceWarning + " attempts failed the same way since the last warning)";
        openFailure = failure;
        // After the attempt, not before: a first connect can take long (class loading on a busy machine).
        openFailureWarnedAt = System.nanoTime();
        openFailuresSinceWarning = 0;
        log.log("socket-connect", failure + repeated + (refused ? " (" + fallback.path() + ")"
                : "; events go to " + fallback.describe() + ", and " + primary.describe()
                        + " is tried again at least every " + reconnectMaxNanos / 1_000_000 + " ms"));
    }
}
