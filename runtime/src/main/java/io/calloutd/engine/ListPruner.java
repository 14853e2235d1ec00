package io.calloutd.engine;

/**
 * Rules for dropping candidates that can never be evaluated (§1.6.2): once a sublayer meets a filter that surely
 * matches (a "certain" entry) and surely decides (static PERMIT or BLOCK), arbitration stops in that sublayer, so
 * every later entry of the same sublayer in the same list is dead. Lists therefore hold, per sublayer, the entries up
 * to the first certain decider: their length no longer grows with the number of filters sharing a key.
 */
final class ListPruner {
    private final byte[] kind;
    private final int[] sublayerEnd;

    ListPruner(byte[] kind, int[] sublayerEnd) {
        this.kind = kind;
        this.sublayerEnd = sublayerEnd;
    }

    /** True if an entry for {@code rank} ends its sublayer within a list. */
    boolean closes(int rank, boolean certain) { return certain && kind[rank] != LayerPolicy.CALLOUT; }

    /** The list entry for {@code rank}. */
    int entry(int rank, boolean certain) { return CandidatePool.entry(rank, kind[rank], certain); }

    /** First rank of the next sublayer after {@code rank}'s. */
    int next(int rank) { return sublayerEnd[rank]; }

    /** An incrementally built list (entries arrive in ascending rank order). */
    final class Growing {
        private int[] a = new int[4];
        private int n;
        private int closedUntil;

        void add(int rank, boolean certain) {
            if (rank < closedUntil) return; // its sublayer already has a certain decider in this list
            if (n > 0 && CandidatePool.rank(a[n - 1]) == rank) return;
            if (n == a.length) a = java.util.Arrays.copyOf(a, n * 2);
            a[n++] = entry(rank, certain);
            if (closes(rank, certain)) closedUntil = next(rank);
        }

        int intern(CandidatePool pool) { return pool.intern(a, n); }
    }
}
