package dev.foxml.training.events.jmh;

import org.openjdk.jmh.annotations.Threads;

/** {@link EmitCallerCost} with one trainer thread emitting. */
@Threads(1)
public class EmitCallerCostOneThread extends EmitCallerCost {
}
