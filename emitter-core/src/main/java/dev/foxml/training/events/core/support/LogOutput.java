package dev.foxml.training.events.core.support;

import org.slf4j.LoggerFactory;

import java.util.ServiceLoader;

/**
 * Where the emitter's log lines go: SLF4J when it has a provider (a logging backend) on the class
 * or module path; otherwise warnings go to standard error, one line each with a fixed prefix, as
 * the API's notices do, and info and debug lines are dropped. Without a provider SLF4J would drop
 * every warning, and touching it would print its own three-line notice into the trainer's output
 * even on a run with nothing to report; so whether it has a provider is found out without
 * initialising it (the same lookup SLF4J makes), and the trainer's own first use of SLF4J still
 * gets SLF4J's notice.
 *
 * <p>The logger names, one per concern, all under {@value #ROOT}, are listed in
 * {@code docs/logging.md}.
 */
public final class LogOutput {
    /** The parent of every logger of the emitter. */
    static final String ROOT = "dev.foxml.training.events";
    /** Where events go (socket, file), and problems delivering them. */
    public static final String DELIVERY = ROOT + ".delivery";
    /** What the trainer's calls cost: invalid arguments, full queues, flush and close. */
    static final String EMITTER = ROOT + ".emitter";
    /** The host, once per process: junixsocket's native library, the process's user. */
    public static final String PLATFORM = ROOT + ".platform";

    /** The prefix of lines written to standard error when SLF4J has no provider. */
    public static final String STDERR_PREFIX = "[foxml-training-events] WARNING: ";

    private LogOutput() {
    }

    /** Resolved on the first log line, not with the first emitter: a quiet run touches nothing. */
    private static final class Binding {
        static final boolean SLF4J = slf4jHasProvider();
    }

    public static void warn(String logger, String message) {
        try {
            if (Binding.SLF4J) {
                LoggerFactory.getLogger(logger).warn(message);
            } else {
                System.err.println(STDERR_PREFIX + message);
            }
        } catch (RuntimeException | LinkageError ignored) {
            // A broken logging backend must not reach the trainer.
        }
    }

    static void info(String logger, String message) {
        try {
            if (Binding.SLF4J) {
                LoggerFactory.getLogger(logger).info(message);
            }
        } catch (RuntimeException | LinkageError ignored) {
            // see warn()
        }
    }

    /** Whether debug lines of {@code logger} would be written, so that callers can skip building them. */
    static boolean debugEnabled(String logger) {
        try {
            return Binding.SLF4J && LoggerFactory.getLogger(logger).isDebugEnabled();
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

    static void debug(String logger, String message) {
        try {
            if (Binding.SLF4J) {
                LoggerFactory.getLogger(logger).debug(message);
            }
        } catch (RuntimeException | LinkageError ignored) {
            // see warn()
        }
    }

    /**
     * The cause of a failure for a log line: the exception's class and its message, e.g.
     * {@code ConnectException: Connection refused}. I/O exceptions carry paths and system error
     * texts, never event content.
     */
    public static String cause(Throwable t) {
        String name = t.getClass().getSimpleName();
        if (name.isEmpty()) {
            name = t.getClass().getName();
        }
        String message = t.getMessage();
        return message == null || message.isBlank() ? name : name + ": " + message;
    }

    /**
     * Whether SLF4J would find a provider, asked without initialising SLF4J. SLF4J 2 looks for a
     * provider named by {@code -Dslf4j.provider}, else for {@code SLF4JServiceProvider} services
     * through its own class loader (bindings for 1.7 are ignored there); SLF4J 1.7 looks for the
     * class {@code org.slf4j.impl.StaticLoggerBinder}. When the question cannot be answered,
     * SLF4J is used, as before.
     */
    static boolean slf4jHasProvider() {
        try {
            ClassLoader loader = LoggerFactory.class.getClassLoader();
            Class<?> providerType;
            try {
                providerType = Class.forName("org.slf4j.spi.SLF4JServiceProvider", false, loader);
            } catch (ClassNotFoundException slf4j17) {
                ClassLoader l = loader != null ? loader : ClassLoader.getSystemClassLoader();
                return l.getResource("org/slf4j/impl/StaticLoggerBinder.class") != null;
            }
            String explicit = System.getProperty("slf4j.provider");
            if (explicit != null && !explicit.isBlank()) {
                return true;
            }
            Module own = LogOutput.class.getModule();
            if (own.isNamed() && !own.canUse(providerType)) {
                own.addUses(providerType);
            }
            return ServiceLoader.load(providerType, loader).stream().findAny().isPresent();
        } catch (RuntimeException | LinkageError | java.util.ServiceConfigurationError unknown) {
            return true;
        }
    }
}
