/** The {@code flow-monitor} callout: per-flow records by inline inspection (msnmntr sample, §7.4). */
package io.calloutd.callouts.flowmonitor;
