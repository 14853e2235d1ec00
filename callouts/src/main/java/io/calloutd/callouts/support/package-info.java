/** Small helpers shared by the built-in callouts (parameter matching against incoming values). */
package io.calloutd.callouts.support;
