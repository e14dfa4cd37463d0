package dev.foxml.training.events.jmh;

import org.openjdk.jmh.annotations.Threads;

/** {@link EmitPacedCallerCost} with one trainer thread. */
@Threads(1)
public class EmitPacedCallerCostOneThread extends EmitPacedCallerCost {
}
