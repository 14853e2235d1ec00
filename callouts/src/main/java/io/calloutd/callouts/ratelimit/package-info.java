/** The {@code rate-limit} callout: per-source token buckets at a terminating layer. */
package io.calloutd.callouts.ratelimit;
