package io.calloutd.callout;

import java.nio.file.Path;
import java.util.List;

/**
 * One plug-in that loaded.
 *
 * @param name     provider name
 * @param version  provider version
 * @param jar      jar it came from
 * @param callouts the callouts it registered
 * @param provider the provider instance
 */
public record LoadedPlugin(String name, String version, Path jar, List<RegisteredCallout> callouts, CalloutProvider provider) { }
