package io.calloutd.engine;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Independent reference implementation for the property test: a literal transcription of the §1.6.2 pseudocode
 * that scans every filter and matches conditions with {@link BigInteger} arithmetic on {@link Value}s. Shares no
 * matching, ordering or arbitration code with the engine.
 */
final class NaiveReference {
    record Outcome(Verdict verdict, long filterId, boolean vetoed, boolean absorbed, long overridden) { }

    private final List<Filter> filters;
    private final Map<UUID, Callout> registered;
    private final Verdict defaultVerdict;

    NaiveReference(List<Filter> filters, Map<UUID, Callout> registered, Verdict defaultVerdict) {
        this.filters = filters;
        this.registered = registered;
        this.defaultVerdict = defaultVerdict;
    }

    Outcome classify(Layer layer, IncomingValues in, ClassifyContext ctx) {
        List<Sublayer> subs = new ArrayList<>();
        for (Filter f : filters) if (f.layer() == layer && !subs.contains(f.sublayer())) subs.add(f.sublayer());
        subs.sort(Comparator.comparingInt(Sublayer::weight).reversed().thenComparing(Sublayer::key));
        ActionType action = ActionType.CONTINUE;
        int rights = 1, flags = 0;
        long decider = 0, overridden = 0;
        boolean vetoed = false;
        for (Sublayer s : subs) {
            List<Filter> fs = new ArrayList<>();
            for (Filter f : filters) if (f.layer() == layer && f.sublayer().equals(s) && matches(f, in, layer)) fs.add(f);
            fs.sort((a, b) -> {
                int c = new BigInteger(Long.toUnsignedString(b.weight())).compareTo(new BigInteger(Long.toUnsignedString(a.weight())));
                return c != 0 ? c : Long.compare(a.id(), b.id());
            });
            ActionType rA = null;
            int rR = 0, rF = 0;
            boolean rCallout = false;
            long rId = 0;
            for (Filter f : fs) {
                ActionType a;
                int r = 0, fl = 0;
                boolean fromCallout = false;
                if (f.action() == FilterAction.PERMIT) { a = ActionType.PERMIT; r = f.clearsActionRight() ? 0 : 1; }
                else if (f.action() == FilterAction.BLOCK) { a = ActionType.BLOCK; }
                else {
                    Callout c = registered.get(f.calloutKey());
                    if (c == null) {
                        if (f.action() == FilterAction.CALLOUT_INSPECTION) continue;
                        boolean permit = (f.flags() & FilterFlags.PERMIT_IF_CALLOUT_UNREGISTERED) != 0;
                        a = permit ? ActionType.PERMIT : ActionType.BLOCK;
                        r = permit && !f.clearsActionRight() ? 1 : 0;
                    } else {
                        ClassifyOut out = new ClassifyOut();
                        out.reset(action, rights, flags);
                        c.classify(in, ctx, f, out);
                        ActionType got = out.actionType();
                        if (f.action() == FilterAction.CALLOUT_INSPECTION) continue;
                        if (f.action() == FilterAction.CALLOUT_TERMINATING) a = got == ActionType.PERMIT ? got : ActionType.BLOCK;
                        else if (got == ActionType.PERMIT || got == ActionType.BLOCK) a = got;
                        else continue;
                        r = out.rights();
                        fl = layer.isDiscard() ? 0 : out.flags() & 1;
                        fromCallout = true;
                    }
                }
                rA = a; rR = r; rF = fl; rCallout = fromCallout; rId = f.id();
                break;
            }
            if (rA == null) continue;
            if ((rights & 1) != 0) {
                action = rA; rights = rR; flags |= rF; decider = rId;
            } else if (action == ActionType.PERMIT && rA == ActionType.BLOCK && rCallout) {
                overridden = decider; action = ActionType.BLOCK; vetoed = true; flags |= rF; decider = rId;
            }
        }
        Verdict v = action == ActionType.BLOCK ? Verdict.BLOCK : action == ActionType.PERMIT ? Verdict.PERMIT : defaultVerdict;
        return new Outcome(v, action == ActionType.CONTINUE ? 0 : decider, vetoed, v == Verdict.BLOCK && (flags & 1) != 0, overridden);
    }

    static boolean matches(Filter f, IncomingValues in, Layer layer) {
        List<Condition> cs = f.conditions();
        int i = 0;
        while (i < cs.size()) {
            boolean any = false;
            int j = i;
            while (j < cs.size() && cs.get(j).field() == cs.get(i).field()) {
                any |= cond(cs.get(j), in, layer);
                j++;
            }
            if (!any) return false;
            i = j;
        }
        return true;
    }

    private static BigInteger big(long hi, long lo) {
        return new BigInteger(Long.toUnsignedString(hi)).shiftLeft(64).or(new BigInteger(Long.toUnsignedString(lo)));
    }

    static boolean cond(Condition c, IncomingValues in, Layer layer) {
        Field fld = c.field();
        Value v = c.value();
        ValueType it = in.type(fld);
        if (v.type() == ValueType.EMPTY) return c.matchType() == MatchType.EQUAL ? it == ValueType.EMPTY : it != ValueType.EMPTY;
        if (it != layer.typeOf(fld)) return false;
        if (it == ValueType.UNICODE_STRING) {
            String s = in.string(fld), x = v.string();
            switch (c.matchType()) {
                case EQUAL: return s.equals(x);
                case NOT_EQUAL: return !s.equals(x);
                case PREFIX: return s.endsWith(x);
                case NOT_PREFIX: return !s.endsWith(x);
                case EQUAL_CASE_INSENSITIVE: return s.equalsIgnoreCase(x);
                default: throw new UnsupportedOperationException(c.toString());
            }
        }
        BigInteger val = big(in.high(fld), in.low(fld));
        if (v.type() == ValueType.V4_ADDR_MASK) {
            boolean eq = val.and(BigInteger.valueOf(v.high())).equals(BigInteger.valueOf(v.low() & v.high()));
            return c.matchType() == MatchType.EQUAL ? eq : !eq;
        }
        if (v.type() == ValueType.V6_ADDR_MASK) {
            int shift = 128 - v.prefixLength();
            boolean eq = val.shiftRight(shift).equals(big(v.high(), v.low()).shiftRight(shift));
            return c.matchType() == MatchType.EQUAL ? eq : !eq;
        }
        BigInteger a = big(v.high(), v.low());
        int cmp = val.compareTo(a);
        switch (c.matchType()) {
            case EQUAL: return cmp == 0;
            case NOT_EQUAL: return cmp != 0;
            case GREATER: return cmp > 0;
            case LESS: return cmp < 0;
            case GREATER_OR_EQUAL: return cmp >= 0;
            case LESS_OR_EQUAL: return cmp <= 0;
            case RANGE: return cmp >= 0 && val.compareTo(big(c.high().high(), c.high().low())) <= 0;
            case FLAGS_ALL_SET: return val.and(a).equals(a);
            case FLAGS_ANY_SET: return val.and(a).signum() != 0;
            case FLAGS_NONE_SET: return val.and(a).signum() == 0;
            default: throw new UnsupportedOperationException(c.toString());
        }
    }
}
