/**
 * The writer: the thread that drains the queue into batches and hands them to delivery, with its
 * idle policy ({@link dev.foxml.training.events.core.writer.EventWriter}); the same work on the
 * emitting thread in synchronous mode ({@link dev.foxml.training.events.core.writer.SyncWriter});
 * and the heartbeat, which queues an event after a quiet interval.
 */
package dev.foxml.training.events.core.writer;
