/**
 * Where lines go. The writer hands batches to a {@link dev.foxml.training.events.core.delivery.Delivery};
 * the one in use, {@link dev.foxml.training.events.core.delivery.FailoverDelivery}, composes a
 * primary {@link dev.foxml.training.events.core.spi.Transport} (the bridge's Unix socket,
 * {@link dev.foxml.training.events.core.delivery.SocketTransport}, unless a provider supplies
 * another) with the event file as the fallback
 * ({@link dev.foxml.training.events.core.delivery.FileTransport}). The file's jobs have classes
 * of their own: opening it safely ({@code EventFileOpener}), a partial last line
 * ({@code PartialLastLine}), the last lines of a deleted file ({@code DeletedFileRecovery}); so
 * have the failover's: route and connect-failure log lines ({@code RouteLog}), appends to the
 * fallback with their accounting ({@code FallbackWriter}), thread interrupts
 * ({@code InterruptGuard}).
 *
 * <p>Internal to {@code emitter-core}: public for its other packages, not exported by its module.
 */
package dev.foxml.training.events.core.delivery;
