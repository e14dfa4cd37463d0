package dev.foxml.training.events.core.spi;

import java.util.Map;

/**
 * Supplies the primary transport when the settings ask for one, found with
 * {@link java.util.ServiceLoader} (on the module path, a module {@code provides} it; on the class
 * path, a {@code META-INF/services} entry names it). The emitter asks each provider in turn and
 * uses the first transport returned; when none returns one, the primary is the bridge's Unix
 * socket. The event file stays the fallback of any primary.
 *
 * <p>A provider is asked once per emitter (and per line delivery), when it is built; it must not
 * throw for settings that are not its own. Settings that are its own but unusable are refused
 * with an {@link IllegalArgumentException} that names the setting and the fix: the emitter's
 * build fails with it.
 */
public interface TransportProvider {
    /**
     * Returns the primary transport these settings ask for, not yet opened, or null when they
     * do not ask for this provider's transport.
     *
     * @param settings the emitter's settings by property name ({@code foxml.training.event.*}):
     *     system properties, then environment variables ({@code FOXML_TRAINING_EVENT_X_Y} read as
     *     {@code foxml.training.event.x.y}), and the resolved {@code socket}, {@code file} and
     *     {@code mode}; unmodifiable
     * @return a transport that the emitter opens, writes and closes, or null
     * @throws IllegalArgumentException when a setting of this provider is unusable; the message
     *     names it and the fix
     */
    Transport primary(Map<String, String> settings);
}
