package io.calloutd.mgmt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.channel.unix.PeerCredentials;
import io.netty.handler.codec.LineBasedFrameDecoder;
import io.netty.handler.codec.TooLongFrameException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.util.HashSet;
import java.util.Set;

/**
 * Serves {@link ManagementService} on a Unix domain socket: newline-delimited JSON, one session per connection,
 * identity from SO_PEERCRED. A connection's session is dynamic if its first request is
 * {@code {"op":"open","dynamic":true}}; closing the connection closes the session. Lines longer than the frame
 * limit, and malformed JSON, get an error response and change nothing.
 */
public final class ApiServer implements AutoCloseable {
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
    private final Channel server;
    private final Path path;

    /**
     * @param svc          the service
     * @param path         socket path (a stale file there is replaced)
     * @param mode         socket file permissions, e.g. "rw-rw----"
     * @param socketGroup  group owning the socket file, or null
     * @param maxLineBytes longest accepted request
     */
    public ApiServer(ManagementService svc, Path path, String mode, String socketGroup, int maxLineBytes) throws IOException, InterruptedException {
        this.path = path;
        RequestDispatcher dispatcher = new RequestDispatcher(svc);
        Files.deleteIfExists(path);
        if (path.getParent() != null) Files.createDirectories(path.getParent());
        server = new ServerBootstrap().group(this.group).channel(EpollServerDomainSocketChannel.class)
                .childHandler(new ChannelInitializer<EpollDomainSocketChannel>() {
                    @Override protected void initChannel(EpollDomainSocketChannel ch) {
                        ch.pipeline().addLast(new LineBasedFrameDecoder(maxLineBytes, true, true),
                                new Connection(svc, dispatcher));
                    }
                }).bind(new DomainSocketAddress(path.toFile())).sync().channel();
        Files.setPosixFilePermissions(path, java.nio.file.attribute.PosixFilePermissions.fromString(mode));
        if (socketGroup != null && !socketGroup.isBlank()) {
            GroupPrincipal g = path.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByGroupName(socketGroup);
            Files.getFileAttributeView(path, PosixFileAttributeView.class).setGroup(g);
        }
    }

    /** Converts an octal mode ("0660") to a permission string ("rw-rw----"). */
    public static String modeString(String octal) {
        int m = Integer.parseInt(octal, 8);
        StringBuilder sb = new StringBuilder();
        String rwx = "rwx";
        for (int i = 8; i >= 0; i--) sb.append((m & (1 << i)) != 0 ? rwx.charAt((8 - i) % 3) : '-');
        return sb.toString();
    }

    /** The socket path. */
    public Path path() { return path; }

    @Override public void close() {
        server.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
        try {
            Files.deleteIfExists(path);
        } catch (IOException ignored) {
            // best effort
        }
    }

    /** One connection = one session. */
    private static final class Connection extends SimpleChannelInboundHandler<ByteBuf> {
        private final ManagementService svc;
        private final RequestDispatcher dispatcher;
        private Principal principal;
        private Session session;

        Connection(ManagementService svc, RequestDispatcher dispatcher) {
            this.svc = svc;
            this.dispatcher = dispatcher;
        }

        @Override public void channelActive(ChannelHandlerContext ctx) throws Exception {
            PeerCredentials pc = ((EpollDomainSocketChannel) ctx.channel()).peerCredentials();
            Set<Integer> gids = new HashSet<>();
            for (int g : pc.gids()) gids.add(g);
            gids.addAll(AccessPolicy.processGroups(pc.pid()));
            principal = new Principal(pc.pid(), pc.uid(), gids);
            super.channelActive(ctx);
        }

        @Override protected void channelRead0(ChannelHandlerContext ctx, ByteBuf msg) {
            JsonNode req;
            try {
                req = Json.MAPPER.readTree(msg.toString(StandardCharsets.UTF_8));
                if (req == null || !req.isObject()) throw new IOException("a request is one JSON object per line");
            } catch (IOException e) {
                send(ctx.channel(), RequestDispatcher.error(Json.object(), "FWP_E_MALFORMED_REQUEST", "malformed JSON request: " + firstLine(e.getMessage())));
                return;
            }
            ObjectNode resp;
            if (session == null) {
                boolean open = "open".equals(req.path("op").asText());
                try {
                    Channel ch = ctx.channel();
                    session = svc.open(principal, open && req.path("dynamic").asBoolean(false),
                            open ? req.path("name").asText("") : "", n -> send(ch, n));
                } catch (MgmtException e) {
                    ObjectNode r = Json.object();
                    if (req.has("id")) r.set("id", req.get("id"));
                    send(ctx.channel(), RequestDispatcher.error(r, e.code(), e.detail()));
                    return;
                }
                if (open) {
                    resp = Json.object();
                    if (req.has("id")) resp.set("id", req.get("id"));
                    resp.put("ok", true).putObject("result").put("session", session.id()).put("dynamic", session.dynamic())
                            .put("role", session.role().name());
                    send(ctx.channel(), resp);
                    return;
                }
            }
            send(ctx.channel(), dispatcher.handle(session, req));
        }

        @Override public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (cause instanceof TooLongFrameException) {
                send(ctx.channel(), RequestDispatcher.error(Json.object(), "FWP_E_REQUEST_TOO_LARGE", "request line too long: " + cause.getMessage()));
            } else {
                ctx.close();
            }
        }

        @Override public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            if (session != null) svc.close(session);
            super.channelInactive(ctx);
        }

        private static String firstLine(String s) {
            if (s == null) return "";
            int nl = s.indexOf('\n');
            return nl < 0 ? s : s.substring(0, nl);
        }

        private static void send(Channel ch, ObjectNode n) {
            byte[] b;
            try {
                b = Json.MAPPER.writeValueAsBytes(n);
            } catch (IOException e) {
                return;
            }
            ByteBuf buf = Unpooled.buffer(b.length + 1).writeBytes(b).writeByte('\n');
            ch.writeAndFlush(buf);
        }
    }
}
