/**
 * A test kit for callout authors: the daemon's packet path in miniature, without a TUN device or a kernel.
 *
 * <p>{@link io.calloutd.testkit.CalloutTestPath} wires a filter engine, a callout runtime, a layer classifier and a
 * real packet pipeline the way the daemon does, and records what the pipeline would have written to the kernel in a
 * {@link io.calloutd.testkit.RecordingInjector}. A unit test registers its callout, pushes raw IP packets in either
 * direction and asserts on the bytes that came out, the counters and the net events. The kit depends on no test
 * framework; use any assertion library. See {@code docs/callouts.md}, "Testing a callout".
 */
package io.calloutd.testkit;
