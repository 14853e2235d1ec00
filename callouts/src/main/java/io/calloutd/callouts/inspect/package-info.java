/** The {@code inspect} callout: out-of-band inspection of one remote address's traffic (WDK inspect sample, §7.1). */
package io.calloutd.callouts.inspect;
