/**
 * The seam for ways lines leave the process: a {@link dev.foxml.training.events.core.spi.Transport}
 * carries whole JSON lines somewhere (the bridge's Unix socket and the event file are the built-in
 * ones), and a {@link dev.foxml.training.events.core.spi.TransportProvider}, found with
 * {@link java.util.ServiceLoader}, may supply the primary transport in place of the socket when
 * the settings ask for it. The emitter keeps the event file as the fallback of whatever primary
 * is used: lines the primary cannot take, or cannot vouch for after a failure, go to the file.
 */
package dev.foxml.training.events.core.spi;
