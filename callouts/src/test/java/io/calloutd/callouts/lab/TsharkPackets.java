package io.calloutd.callouts.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Reads a capture file with tshark (the independent reader) into one {@link Pkt} per frame, asserting that tshark
 * read it without an error or warning and found no malformed packet and no bad checksum — except a transport checksum
 * left partial by checksum offload (the field holds exactly the pseudo-header sum, as the sender's kernel left it for
 * the NIC to finish; the daemon's TUN keeps it so, as a host capture of outbound traffic shows it): such packets are
 * flagged {@link Pkt#partialChecksum()}.
 */
final class TsharkPackets {
    private static final String[] FIELDS = {"ip.src", "ip.dst", "ip.proto", "udp.srcport", "udp.dstport", "tcp.srcport",
        "tcp.dstport", "tcp.len", "tcp.seq_raw", "tcp.flags.syn", "tcp.flags.ack", "icmp.type", "udp.payload",
        "frame.comment", "_ws.malformed", "ip.checksum.status", "udp.checksum.status", "tcp.checksum.status",
        "ip.len", "ip.hdr_len", "udp.checksum", "tcp.checksum", "icmp.checksum.status"};

    private TsharkPackets() { }

    /** One frame as tshark decoded it (ports -1 where absent). */
    record Pkt(String src, String dst, int proto, int srcPort, int dstPort, int tcpLen, long tcpSeq, boolean syn,
               boolean ack, int icmpType, String udpPayloadHex, String comment, boolean partialChecksum) {
        /** @return "proto src:port>dst:port" (ports left out for ICMP) */
        String tuple() {
            return proto == 1 ? "icmp " + src + ">" + dst : proto + " " + src + ":" + srcPort + ">" + dst + ":" + dstPort;
        }
    }

    /** Runs {@code tshark -r FILE} with checksum validation and returns its frames in file order. */
    static List<Pkt> read(Path file) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("tshark", "-n", "-r", file.toString(),
                "-o", "ip.check_checksum:TRUE", "-o", "udp.check_checksum:TRUE", "-o", "tcp.check_checksum:TRUE",
                "-T", "fields", "-E", "separator=|", "-E", "occurrence=f"));
        for (String f : FIELDS) {
            cmd.add("-e");
            cmd.add(f);
        }
        Process p = new ProcessBuilder(cmd).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("tshark finished").isTrue();
        assertThat(p.exitValue()).as("tshark exit for " + file + ": " + err).isZero();
        // tshark warns about running as root; anything else (e.g. "cut short in the middle of a packet") is an error.
        assertThat(err.lines().filter(l -> !l.contains("Running as user \"root\"") && !l.isBlank()).toList())
                .as("tshark stderr for " + file).isEmpty();
        List<Pkt> pkts = new ArrayList<>();
        for (String line : out.lines().toList()) {
            String[] f = line.split("\\|", -1);
            assertThat(f).as(line).hasSize(FIELDS.length);
            assertThat(f[14]).as("malformed: " + line).isEmpty();
            assertThat(f[15]).as("ip.checksum.status in " + line).isEqualTo("1");
            assertThat(f[22]).as("icmp.checksum.status in " + line).isIn("", "1"); // ICMP is never offloaded
            int proto = Integer.parseInt(f[2]);
            boolean udp = proto == 17;
            boolean partial = false;
            for (int i = 16; i <= 17; i++) {
                // 1 = good; empty where the protocol is absent. 2 (unverified) is a UDP checksum of zero: not sent here.
                if ("0".equals(f[i])) {
                    int field = Integer.decode(f[i == 16 ? 20 : 21]);
                    int transportLength = Integer.parseInt(f[18]) - Integer.parseInt(f[19]);
                    assertThat(field).as("a bad checksum must be exactly the partial one: " + line)
                            .isEqualTo(pseudoHeaderSum(f[0], f[1], proto, transportLength));
                    partial = true;
                } else {
                    assertThat(f[i]).as(FIELDS[i] + " in " + line).isIn("", "1");
                }
            }
            pkts.add(new Pkt(f[0], f[1], proto, num(udp ? f[3] : f[5]), num(udp ? f[4] : f[6]), num(f[7]),
                    f[8].isEmpty() ? -1 : Long.parseLong(f[8]), "1".equals(f[9]) || "True".equals(f[9]),
                    "1".equals(f[10]) || "True".equals(f[10]), num(f[11]), f[12].replace(":", ""), f[13], partial));
        }
        return pkts;
    }

    /** The folded, uncomplemented IPv4 pseudo-header sum (what CHECKSUM_PARTIAL leaves in the checksum field). */
    static int pseudoHeaderSum(String src, String dst, int proto, int length) throws Exception {
        byte[] a = java.net.InetAddress.getByName(src).getAddress(), b = java.net.InetAddress.getByName(dst).getAddress();
        long sum = proto + length;
        for (int i = 0; i < 4; i += 2) {
            sum += ((a[i] & 0xff) << 8 | (a[i + 1] & 0xff)) + ((b[i] & 0xff) << 8 | (b[i + 1] & 0xff));
        }
        while ((sum >> 16) != 0) sum = (sum & 0xffff) + (sum >> 16);
        return (int) sum;
    }

    private static int num(String s) {
        return s.isEmpty() ? -1 : Integer.parseInt(s);
    }
}
