/**
 * The built-in callout library (mission M-40..M-47). Each callout is a worked example of one WFP callout
 * type; they arrive with the callout runtime.
 */
package io.calloutd.callouts;
