package dev.foxml.training.events.core.delivery;

import dev.foxml.training.events.core.spi.Transport;
import dev.foxml.training.events.core.spi.TransportProvider;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A provider registered for emitter-core's tests (META-INF/services): it answers only when the
 * system property {@value #PROPERTY} names an in-memory transport, so every other test keeps the
 * socket as its primary. "refuse" stands for settings the provider finds unusable.
 */
public final class MemoryTransportProvider implements TransportProvider {
    static final String PROPERTY = "foxml.training.event.test.memory-transport";
    static final Map<String, InMemoryTransport> CREATED = new ConcurrentHashMap<>();
    static volatile Map<String, String> lastSettings;

    /** Found by the {@link java.util.ServiceLoader}. */
    public MemoryTransportProvider() {
    }

    @Override
    public Transport primary(Map<String, String> settings) {
        String name = settings.get(PROPERTY);
        if (name == null) {
            return null;
        }
        if (name.equals("refuse")) {
            throw new IllegalArgumentException(PROPERTY + " is 'refuse': name an in-memory transport instead");
        }
        lastSettings = settings;
        InMemoryTransport transport = new InMemoryTransport(name);
        // Before the writer starts: its first delivery already finds the primary absent.
        transport.absent = name.startsWith("absent");
        CREATED.put(name, transport);
        return transport;
    }
}
