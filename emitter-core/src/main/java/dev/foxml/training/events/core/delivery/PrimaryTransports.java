package dev.foxml.training.events.core.delivery;

import dev.foxml.training.events.core.EmitterSetting;
import dev.foxml.training.events.core.config.EmitterConfig;
import dev.foxml.training.events.core.spi.Transport;
import dev.foxml.training.events.core.spi.TransportProvider;
import dev.foxml.training.events.core.support.RateLimitedLog;

import java.util.Collections;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.TreeMap;

/**
 * Chooses the primary transport: the first one a {@link TransportProvider} returns for the
 * settings, else the bridge's Unix socket.
 */
final class PrimaryTransports {
    private static final String PROPERTY_PREFIX = "foxml.training.event.";
    private static final String ENV_PREFIX = "FOXML_TRAINING_EVENT_";

    private PrimaryTransports() {
    }

    /**
     * The primary for {@code config}, not yet opened.
     *
     * @throws IllegalArgumentException when a provider finds its own settings unusable
     */
    static Transport forConfig(EmitterConfig config, RateLimitedLog log) {
        Transport fromProvider = fromProviders(config, log);
        return fromProvider != null ? fromProvider : socket(config);
    }

    /**
     * The primary a transport provider supplies for {@code config}, not yet opened; null when
     * none does (the bridge's socket is the primary then).
     *
     * @throws IllegalArgumentException when a provider finds its own settings unusable
     */
    static Transport fromProviders(EmitterConfig config, RateLimitedLog log) {
        Iterator<TransportProvider> providers = ServiceLoader.load(TransportProvider.class,
                PrimaryTransports.class.getClassLoader()).iterator();
        Map<String, String> settings = null;
        while (true) {
            TransportProvider provider;
            try {
                if (!providers.hasNext()) {
                    break;
                }
                provider = providers.next();
            } catch (ServiceConfigurationError broken) {
                // A provider jar that cannot be loaded must not cost the trainer its events: the
                // socket stays the primary.
                log.warnOnce("a training event transport provider cannot be loaded and is ignored ("
                        + broken.getMessage() + ")");
                continue;
            }
            if (settings == null) {
                settings = settings(config);
            }
            Transport primary = provider.primary(settings);
            if (primary != null) {
                return primary;
            }
        }
        return null;
    }

    /** The bridge's socket; the replay of recent lines only when the file does not get every line anyway. */
    static SocketTransport socket(EmitterConfig config) {
        return new SocketTransport(config.socketPath(), SocketConnector.best(), config.writeTimeout().toNanos(),
                config.journal() ? 0 : config.replayBytes());
    }

    /**
     * The settings a provider reads: {@code FOXML_TRAINING_EVENT_X_Y} environment variables as
     * {@code foxml.training.event.x.y}, system properties over them, the builder's extension
     * settings over those, and the resolved socket, file and mode over all.
     */
    static Map<String, String> settings(EmitterConfig config) {
        Map<String, String> settings = new TreeMap<>();
        // Loops, not forEach lambdas: this runs in TrainingEvents.init, where a lambda's first use
        // costs a class spun at run time.
        for (Map.Entry<String, String> variable : System.getenv().entrySet()) {
            String name = variable.getKey();
            if (name.startsWith(ENV_PREFIX) && name.length() > ENV_PREFIX.length()) {
                settings.put(PROPERTY_PREFIX + name.substring(ENV_PREFIX.length()).toLowerCase(Locale.ROOT)
                        .replace('_', '.'), variable.getValue());
            }
        }
        for (Map.Entry<Object, Object> property : System.getProperties().entrySet()) {
            Object name = property.getKey();
            Object value = property.getValue();
            if (name instanceof String && value instanceof String && ((String) name).startsWith(PROPERTY_PREFIX)) {
                settings.put((String) name, (String) value);
            }
        }
        // The builder's setting(...) values, resolved over properties and environment.
        for (Map.Entry<String, String> extension : config.extensions().entrySet()) {
            settings.put(PROPERTY_PREFIX + extension.getKey(), extension.getValue());
        }
        settings.put(EmitterSetting.SOCKET.property(), config.socketPath().toString());
        settings.put(EmitterSetting.FILE.property(), config.filePath().toString());
        settings.put(EmitterSetting.MODE.property(), config.synchronous()
                ? (config.journal() ? "sync-journal" : "sync")
                : (config.journal() ? "journal" : "async"));
        return Collections.unmodifiableMap(settings);
    }
}
