/** The {@code basic-injection} callout: WFPSampler BASIC_PACKET_INJECTION (§7.5), clone and reinject every packet. */
package io.calloutd.callouts.basicinjection;
