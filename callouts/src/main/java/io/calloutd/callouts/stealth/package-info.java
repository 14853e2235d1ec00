/** The {@code stealth} callout: silent drop at the discard layers (no RST, no ICMP port unreachable). */
package io.calloutd.callouts.stealth;
