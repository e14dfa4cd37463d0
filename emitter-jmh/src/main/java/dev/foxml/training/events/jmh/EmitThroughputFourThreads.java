package dev.foxml.training.events.jmh;

import org.openjdk.jmh.annotations.Threads;

/** {@link EmitThroughput} with four threads emitting into the same emitter at once. */
@Threads(4)
public class EmitThroughputFourThreads extends EmitThroughput {
}
