package io.calloutd.mgmt.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code calloutctl}: the management client (M-53). Prints JSON; exits 1 with the daemon's error on failure. */
@Command(name = "calloutctl", mixinStandardHelpOptions = true, version = "calloutctl 0.1.0",
        description = "Manage a running calloutd over its Unix socket.",
        subcommands = {CalloutCtl.Filters.class, CalloutCtl.Sublayers.class, CalloutCtl.Callouts.class,
                CalloutCtl.Counters.class, CalloutCtl.Flows.class, CalloutCtl.Events.class, CalloutCtl.Trace.class,
                CalloutCtl.Reload.class})
public final class CalloutCtl {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Option(names = {"-s", "--socket"}, defaultValue = "${env:CALLOUTD_SOCKET:-/run/calloutd/api.sock}",
            description = "API socket (default: ${DEFAULT-VALUE}).")
    Path socket;

    /** Runs the command line and exits with its status. */
    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command line (also used by tests). */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new CalloutCtl());
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            cmd.getErr().println("calloutctl: " + ex.getMessage());
            return 1;
        });
        return cl;
    }

    int run(CommandLine.Model.CommandSpec spec, ObjectNode req) throws IOException {
        try (ApiClient c = new ApiClient(socket)) {
            JsonNode resp = c.call(req);
            PrintWriter out = spec.commandLine().getOut();
            if (!resp.path("ok").asBoolean()) {
                spec.commandLine().getErr().println("calloutctl: " + resp.path("error").path("code").asText() + ": "
                        + resp.path("error").path("message").asText());
                return 1;
            }
            out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(resp.path("result")));
            out.flush();
            return 0;
        }
    }

    /** Base of leaf commands. */
    abstract static class Leaf implements Callable<Integer> {
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;

        abstract CalloutCtl root();

        abstract ObjectNode request() throws Exception;

        @Override public Integer call() throws Exception { return root().run(spec, request()); }
    }

    @Command(name = "filters", description = "List, add or delete filters.",
            subcommands = {FilterList.class, FilterAdd.class, FilterDelete.class})
    static final class Filters { @ParentCommand CalloutCtl parent; }

    @Command(name = "list", description = "List filters (all layers or one).")
    static final class FilterList extends Leaf {
        @ParentCommand Filters up;
        @Option(names = "--layer") String layer;
        @Override CalloutCtl root() { return up.parent; }
        @Override ObjectNode request() {
            ObjectNode r = ApiClient.request("filter.list");
            if (layer != null) r.put("layer", layer);
            return r;
        }
    }

    @Command(name = "add", description = "Add a filter, e.g. filters add --layer INBOUND_TRANSPORT_V4 --action BLOCK -c IP_PROTOCOL=tcp -c IP_LOCAL_PORT=23")
    static final class FilterAdd extends Leaf {
        @ParentCommand Filters up;
        @Option(names = "--layer", required = true) String layer;
        @Option(names = "--action", required = true, description = "BLOCK, PERMIT, CALLOUT_TERMINATING, CALLOUT_INSPECTION, CALLOUT_UNKNOWN") String action;
        @Option(names = "--name") String name;
        @Option(names = "--sublayer", description = "Sublayer name or key.") String sublayer;
        @Option(names = "--callout", description = "Callout name or key.") String callout;
        @Option(names = "--weight") Long weight;
        @Option(names = "--persistent", description = "Store it; it survives daemon restarts.") boolean persistent;
        @Option(names = {"-c", "--condition"}, description = "FIELD=VALUE, FIELD!=VALUE, FIELD=LOW-HIGH (range), FIELD=CIDR") List<String> conditions = new ArrayList<>();
        @Override CalloutCtl root() { return up.parent; }
        @Override ObjectNode request() {
            ObjectNode def = JSON.createObjectNode().put("layer", layer).put("action", action);
            if (name != null) def.put("name", name);
            if (sublayer != null) def.put("sublayer", sublayer);
            if (callout != null) def.put("callout", callout);
            if (weight != null) def.put("weight", weight);
            ArrayNode cs = def.putArray("conditions");
            for (String c : conditions) cs.add(condition(c));
            ObjectNode r = ApiClient.request("filter.add").put("persistent", persistent);
            r.set("def", def);
            return r;
        }
    }

    /** Parses {@code FIELD=VALUE}, {@code FIELD!=VALUE} or {@code FIELD=LOW-HIGH} (for non-address fields). */
    static ObjectNode condition(String text) {
        int ne = text.indexOf("!=");
        int eq = text.indexOf('=');
        if (eq <= 0) throw new IllegalArgumentException("condition '" + text + "' is not FIELD=VALUE");
        String field = text.substring(0, ne > 0 ? ne : eq).trim();
        String value = text.substring(eq + 1).trim();
        ObjectNode c = JSON.createObjectNode().put("field", field);
        if (ne > 0) c.put("match", "NOT_EQUAL");
        int dash = value.indexOf('-');
        if (ne < 0 && dash > 0 && value.matches("[0-9xXa-fA-F]+-[0-9xXa-fA-F]+")) {
            c.put("match", "RANGE");
            c.putArray("range").add(value.substring(0, dash)).add(value.substring(dash + 1));
        } else if (value.matches("[0-9]+")) {
            c.put("value", Long.parseLong(value));
        } else {
            c.put("value", value);
        }
        return c;
    }

    @Command(name = "delete", description = "Delete a filter by id, key or name.")
    static final class FilterDelete extends Leaf {
        @ParentCommand Filters up;
        @Parameters(paramLabel = "REF") String ref;
        @Override CalloutCtl root() { return up.parent; }
        @Override ObjectNode request() { return ApiClient.request("filter.delete").put("ref", ref); }
    }

    @Command(name = "sublayers", description = "Sublayers.", subcommands = SublayerList.class)
    static final class Sublayers { @ParentCommand CalloutCtl parent; }

    @Command(name = "list", description = "List sublayers in arbitration order.")
    static final class SublayerList extends Leaf {
        @ParentCommand Sublayers up;
        @Override CalloutCtl root() { return up.parent; }
        @Override ObjectNode request() { return ApiClient.request("sublayer.list"); }
    }

    @Command(name = "callouts", description = "Callouts.", subcommands = CalloutList.class)
    static final class Callouts { @ParentCommand CalloutCtl parent; }

    @Command(name = "list", description = "List callout objects.")
    static final class CalloutList extends Leaf {
        @ParentCommand Callouts up;
        @Override CalloutCtl root() { return up.parent; }
        @Override ObjectNode request() { return ApiClient.request("callout.list"); }
    }

    @Command(name = "counters", description = "Layer and filter counters.")
    static final class Counters extends Leaf {
        @ParentCommand CalloutCtl parent;
        @Override CalloutCtl root() { return parent; }
        @Override ObjectNode request() { return ApiClient.request("counters"); }
    }

    @Command(name = "flows", description = "Tracked flows.")
    static final class Flows extends Leaf {
        @ParentCommand CalloutCtl parent;
        @Option(names = "--limit", defaultValue = "1000") int limit;
        @Override CalloutCtl root() { return parent; }
        @Override ObjectNode request() { return ApiClient.request("flows").put("limit", limit); }
    }

    @Command(name = "reload", description = "Re-read and apply the configuration file.")
    static final class Reload extends Leaf {
        @ParentCommand CalloutCtl parent;
        @Override CalloutCtl root() { return parent; }
        @Override ObjectNode request() { return ApiClient.request("reload"); }
    }

    @Command(name = "events", description = "Show retained net events; --follow prints new ones as JSON lines.")
    static final class Events implements Callable<Integer> {
        @ParentCommand CalloutCtl parent;
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;
        @Option(names = {"-f", "--follow"}) boolean follow;

        @Override public Integer call() throws Exception {
            if (!follow) return parent.run(spec, ApiClient.request("events.list"));
            PrintWriter out = spec.commandLine().getOut();
            try (ApiClient c = new ApiClient(parent.socket)) {
                c.onEvent(e -> {
                    out.println(e.toString());
                    out.flush();
                });
                JsonNode r = c.call(ApiClient.request("events.subscribe").put("on", true));
                if (!r.path("ok").asBoolean()) {
                    spec.commandLine().getErr().println("calloutctl: " + r.path("error").path("message").asText());
                    return 1;
                }
                c.follow();
            }
            return 0;
        }
    }

    @Command(name = "trace", description = "Print the layer path (layer, verdict, filter) of matching packets as JSON lines "
            + "for --seconds, e.g. trace --protocol 6 --port 443 --seconds 30.")
    static final class Trace implements Callable<Integer> {
        @ParentCommand CalloutCtl parent;
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;
        @Option(names = "--seconds", defaultValue = "10", description = "How long (default: ${DEFAULT-VALUE}).") int seconds;
        @Option(names = "--protocol", description = "IP protocol number, e.g. 6 (TCP), 17 (UDP).") Integer protocol;
        @Option(names = "--port", description = "Local or remote port.") Integer port;
        @Option(names = "--address", description = "Local or remote IP address.") String address;

        @Override public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            ObjectNode req = ApiClient.request("trace").put("seconds", seconds);
            if (protocol != null) req.put("protocol", protocol);
            if (port != null) req.put("port", port);
            if (address != null) req.put("address", address);
            try (ApiClient c = new ApiClient(parent.socket)) {
                List<JsonNode> early = new ArrayList<>();
                c.onEvent(early::add);
                JsonNode r = c.call(req);
                if (!r.path("ok").asBoolean()) {
                    spec.commandLine().getErr().println("calloutctl: " + r.path("error").path("code").asText() + ": "
                            + r.path("error").path("message").asText());
                    return 1;
                }
                for (JsonNode e : early) {
                    if (printTrace(out, e)) return 0;
                }
                while (true) {
                    if (printTrace(out, c.readLine())) return 0;
                }
            }
        }

        /** Prints a trace line; true at the end of the trace. */
        private static boolean printTrace(PrintWriter out, JsonNode e) {
            String kind = e.path("event").asText();
            if (kind.equals("trace-end")) {
                out.flush();
                return true;
            }
            if (kind.equals("trace")) {
                ((ObjectNode) e).remove("event");
                out.println(e.toString());
                out.flush();
            }
            return false;
        }
    }
}
