package dev.foxml.training.events.jmh;

import org.openjdk.jmh.annotations.Threads;

/** {@link EmitThroughput} with one trainer thread emitting. */
@Threads(1)
public class EmitThroughputOneThread extends EmitThroughput {
}
