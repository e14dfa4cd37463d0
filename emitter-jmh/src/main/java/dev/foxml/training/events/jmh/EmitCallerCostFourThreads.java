package dev.foxml.training.events.jmh;

import org.openjdk.jmh.annotations.Threads;

/**
 * {@link EmitCallerCost} with four threads emitting into the same emitter at once (on this
 * two-CPU machine, more threads than CPUs: contention for the queue's lock included).
 */
@Threads(4)
public class EmitCallerCostFourThreads extends EmitCallerCost {
}
