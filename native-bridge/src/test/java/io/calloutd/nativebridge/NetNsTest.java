package io.calloutd.nativebridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.net.BindException;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class NetNsTest {
    private TestNamespace ns;

    @BeforeEach
    void setUp() throws IOException {
        ns = new TestNamespace();
        ns.ip("link", "add", "veth0", "type", "veth", "peer", "name", "veth1");
        ns.ip("link", "set", "veth1", "up");
        ns.ip("addr", "add", "198.18.70.1/24", "dev", "veth0");
        ns.ip("link", "set", "veth0", "up");
    }

    @AfterEach
    void tearDown() throws IOException {
        String name = ns.name;
        ns.close();
        assertThat(TestNamespace.exists(name)).as("netns %s left behind", name).isFalse();
    }

    /** Binding to an address that exists only inside the namespace proves which namespace the thread is in. */
    private static int bindToNamespaceAddress() throws IOException {
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress("198.18.70.1", 0))) {
            return s.getLocalPort();
        }
    }

    @Test
    void callRunsInsideTheNamespaceAndReturnsOrRethrows() throws Exception {
        assertThat(NetNs.call(ns.name, NetNsTest::bindToNamespaceAddress)).isPositive();
        assertThrows(BindException.class, NetNsTest::bindToNamespaceAddress); // not on the caller's thread
        assertThatThrownBy(() -> NetNs.call(ns.name, () -> {
            throw new IOException("from inside");
        })).isInstanceOf(IOException.class).hasMessage("from inside");
        int[] ran = new int[1];
        NetNs.run(ns.name, () -> ran[0] = bindToNamespaceAddress());
        assertThat(ran[0]).isPositive();
    }

    @Test
    void executorThreadStaysInTheNamespaceEvenAfterAFailingTask() throws Exception {
        ExecutorService ex = NetNs.executor(ns.name);
        try {
            assertThat(ex.submit(NetNsTest::bindToNamespaceAddress).get(5, TimeUnit.SECONDS)).isPositive();
            ex.execute(() -> {
                throw new IllegalStateException("task failure must not replace the thread");
            });
            assertThat(ex.submit(NetNsTest::bindToNamespaceAddress).get(5, TimeUnit.SECONDS)).isPositive();
        } finally {
            ex.shutdown();
            assertThat(ex.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void unknownNamespaceIsANativeExceptionNamingCallAndErrno() {
        String missing = ns.name + "-missing";
        NativeException e = assertThrows(NativeException.class, () -> NetNs.call(missing, () -> 1));
        assertThat(e.call()).isEqualTo("open(/var/run/netns/" + missing + ")");
        assertThat(e.errno()).isEqualTo(NativeException.ENOENT);
        assertThat(e.getMessage()).endsWith(": No such file or directory (errno 2)");
        NativeException e2 = assertThrows(NativeException.class, () -> NetNs.executor(missing));
        assertThat(e2.errno()).isEqualTo(NativeException.ENOENT);
    }

    @Test
    void setnsOnAFileThatIsNotANamespaceFailsWithEinval() throws Exception {
        int fd = LibC.open("/dev/null", LibC.O_RDONLY | LibC.O_CLOEXEC, 0);
        try {
            com.sun.jna.LastErrorException e = assertThrows(com.sun.jna.LastErrorException.class,
                    () -> LibC.setns(fd, LibC.CLONE_NEWNET));
            assertThat(e.getErrorCode()).isEqualTo(NativeException.EINVAL);
        } finally {
            LibC.close(fd);
        }
        assertThat(new NativeException("ioctl(TUNSETIFF, tun0)", NativeException.EPERM).getMessage())
                .isEqualTo("ioctl(TUNSETIFF, tun0): Operation not permitted (errno 1)");
    }

    @Test
    void ipCommandFailureNamesCommandExitCodeAndStderr() {
        assertThatThrownBy(() -> ns.ip("link", "show", "dev", "nosuchdev0"))
                .isInstanceOf(IOException.class)
                .hasMessageStartingWith("ip -n " + ns.name + " link show dev nosuchdev0: exit code 1: ")
                .hasMessageContaining("does not exist");
    }
}
