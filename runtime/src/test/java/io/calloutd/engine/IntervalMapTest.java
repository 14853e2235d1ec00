package io.calloutd.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * {@link IntervalMap} against a brute-force scan: for random intervals (sparse, and packed into a few first-level
 * slots so that slots hold many segments), every boundary value ±1 and random values get exactly the list of the
 * ranks whose interval covers them, in rank order and cut after the first certain decider of each sublayer.
 */
class IntervalMapTest {
    private static final int SUBLAYERS = 3;

    @Test
    void sparseIntervalsOn32Bits() {
        for (long seed = 0; seed < 10; seed++) check(new Random(seed), 32, 1 + (int) seed * 150, 0xFFFF_FFFFL);
    }

    @Test
    void intervalsPackedIntoFewSlotsOn32Bits() {
        for (long seed = 0; seed < 10; seed++) check(new Random(100 + seed), 32, 50 + (int) seed * 200, 5000);
    }

    @Test
    void sixteenAndEightBitFields() {
        for (long seed = 0; seed < 20; seed++) {
            check(new Random(200 + seed), 16, 1 + (int) seed * 400, seed % 2 == 0 ? 65535 : 700);
            check(new Random(300 + seed), 8, 1 + (int) seed * 10, 255);
        }
    }

    private static void check(Random rnd, int width, int n, long spread) {
        long max = (1L << width) - 1;
        long[][] iv = new long[n][];
        byte[] kind = new byte[n];
        boolean[] certain = new boolean[n];
        int[] sublayerEnd = new int[n];
        int size = Math.max(1, n / SUBLAYERS);
        for (int r = 0; r < n; r++) {
            long lo = Math.floorMod(rnd.nextLong(), spread + 1);
            long len = rnd.nextInt(4) == 0 ? 0 : (long) (Math.pow(2, rnd.nextDouble() * width) * rnd.nextDouble());
            iv[r] = new long[] {lo, Math.min(max, lo + len)};
            kind[r] = (byte) rnd.nextInt(4);
            certain[r] = rnd.nextBoolean();
            sublayerEnd[r] = Math.min(n, (r / size + 1) * size);
        }
        ListPruner pruner = new ListPruner(kind, sublayerEnd);
        IntervalMap.Builder b = new IntervalMap.Builder(0, 0, width);
        for (int r = 0; r < n; r++) b.add(iv[r][0], iv[r][1], pruner.entry(r, certain[r]));
        CandidatePool pool = new CandidatePool();
        IntervalMap map = b.build(pruner, pool);
        int[] p = pool.freeze();
        TreeSet<Long> probes = new TreeSet<>(List.of(0L, max));
        for (long[] x : iv) for (long d = -1; d <= 1; d++) {
            probes.add(Math.max(0, Math.min(max, x[0] + d)));
            probes.add(Math.max(0, Math.min(max, x[1] + d)));
        }
        for (int i = 0; i < 200; i++) probes.add(Math.floorMod(rnd.nextLong(), max + 1));
        for (long v : probes) {
            List<Integer> want = new ArrayList<>();
            for (int r = 0; r < n; r++) {
                if (iv[r][0] > v || iv[r][1] < v) continue;
                want.add(pruner.entry(r, certain[r]));
                if (pruner.closes(r, certain[r])) r = sublayerEnd[r] - 1;
            }
            List<Integer> got = new ArrayList<>();
            int off = map.lookup(v);
            assertThat(map.resolve(map.bucket(v), v)).isEqualTo(off);
            if (off >= 0) for (int i = 0; i < p[off]; i++) got.add(p[off + 1 + i]);
            assertThat(got).as("width %d, %d intervals, value %d", width, n, v).isEqualTo(want);
        }
        assertThat(map.resolve(IntervalMap.EMPTY_SLOT, 0)).isEqualTo(-1);
    }
}
