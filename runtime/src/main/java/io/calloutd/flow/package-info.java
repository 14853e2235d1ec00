/**
 * The flow table behind the ALE layers (WFP semantics §1.8, §2.6): connection tracking keyed by a
 * direction-normalised 5-tuple, TCP state tracking in the spirit of Linux conntrack, UDP/ICMP/other
 * pseudo-flows with idle timeouts, per-flow callout contexts with exactly-once flowDelete, policy
 * generation stamps for reauthorization, and a bounded size with counted eviction.
 *
 * <p>Entry point: {@link io.calloutd.flow.FlowTable#track}. A table is confined to one thread (no locks);
 * both directions of a connection must be tracked by the same table.
 */
package io.calloutd.flow;
