package dev.foxml.training.events.jmh;

import org.openjdk.jmh.annotations.Threads;

/**
 * {@link EmitPacedCallerCost} with four trainer threads emitting into the same emitter, each
 * pacing itself (on a two-CPU machine, more threads than CPUs: contention for the queue's lock and
 * for the CPUs included).
 */
@Threads(4)
public class EmitPacedCallerCostFourThreads extends EmitPacedCallerCost {
}
