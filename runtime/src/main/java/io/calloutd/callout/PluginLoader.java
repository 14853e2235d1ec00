package io.calloutd.callout;

import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

/**
 * Loads {@link CalloutProvider}s from the jars of a plug-in directory (M-38), each jar in its own class loader whose
 * parent is the runtime's, and registers their callouts. A broken plug-in (bad jar, failing provider, duplicate key)
 * is reported in {@link Result#failures()} and registers nothing; the others still load.
 */
public final class PluginLoader implements AutoCloseable {
    private final CalloutRegistry registry;
    private final CalloutServices services;
    private final List<URLClassLoader> loaders = new ArrayList<>();
    private final List<LoadedPlugin> loaded = new ArrayList<>();

    /** Outcome of {@link #loadDirectory}. */
    public record Result(List<LoadedPlugin> loaded, List<String> failures) { }

    /**
     * @param registry where callouts are registered
     * @param services handed to providers
     */
    public PluginLoader(CalloutRegistry registry, CalloutServices services) {
        this.registry = registry;
        this.services = services;
    }

    /** Loads every {@code *.jar} of {@code dir} (sorted by name for a stable registration order). */
    public synchronized Result loadDirectory(Path dir) throws IOException {
        List<Path> jars = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*.jar")) {
            for (Path p : ds) jars.add(p);
        }
        jars.sort(null);
        List<LoadedPlugin> ok = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        for (Path jar : jars) loadJar(jar, ok, failures);
        return new Result(List.copyOf(ok), List.copyOf(failures));
    }

    private void loadJar(Path jar, List<LoadedPlugin> ok, List<String> failures) {
        URLClassLoader cl;
        try {
            cl = new URLClassLoader("plugin:" + jar.getFileName(), new URL[] {jar.toUri().toURL()},
                    CalloutProvider.class.getClassLoader());
        } catch (MalformedURLException e) {
            failures.add(jar + ": " + e.getMessage());
            return;
        }
        loaders.add(cl);
        try {
            for (CalloutProvider p : ServiceLoader.load(CalloutProvider.class, cl)) {
                if (p.getClass().getClassLoader() != cl) continue; // a provider visible from the parent, not this jar's
                loadProvider(jar, p, ok, failures);
            }
        } catch (ServiceConfigurationError | LinkageError e) {
            failures.add(jar + ": " + e);
        }
    }

    private void loadProvider(Path jar, CalloutProvider p, List<LoadedPlugin> ok, List<String> failures) {
        List<RegisteredCallout> done = new ArrayList<>();
        try {
            for (CalloutRegistration r : p.callouts(services)) done.add(registry.register(r));
            LoadedPlugin lp = new LoadedPlugin(p.name(), p.version(), jar, List.copyOf(done), p);
            loaded.add(lp);
            ok.add(lp);
        } catch (CalloutException | RuntimeException e) {
            for (RegisteredCallout c : done) registry.unregister(c.id()); // all or nothing per plug-in
            failures.add(jar + " (" + safeName(p) + "): " + e.getMessage());
        }
    }

    private static String safeName(CalloutProvider p) {
        try {
            return p.name();
        } catch (RuntimeException e) {
            return p.getClass().getName();
        }
    }

    /** Plug-ins loaded so far. */
    public synchronized List<LoadedPlugin> loaded() { return List.copyOf(loaded); }

    /**
     * Unregisters every plug-in callout and closes the class loaders. Callouts still holding flow contexts stay
     * registered (DEVICE_BUSY) and are listed in the returned failures.
     */
    @Override
    public synchronized void close() {
        for (LoadedPlugin lp : loaded) {
            for (RegisteredCallout c : lp.callouts()) registry.unregister(c.id());
            try {
                lp.provider().unload();
            } catch (RuntimeException ignored) {
                // unloading is best effort
            }
        }
        loaded.clear();
        for (URLClassLoader cl : loaders) {
            try {
                cl.close();
            } catch (IOException ignored) {
                // nothing useful to do
            }
        }
        loaders.clear();
    }
}
