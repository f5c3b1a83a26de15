package dev.autost.messaging.codec;

import dev.autost.domain.cost.CostEstimate;
import dev.autost.domain.search.Outcome;
import dev.autost.proto.v1.Score;

/** Turns a {@link Score} message back into the domain's {@link Outcome}. Stateless. */
public final class ScoreMessages {
    private ScoreMessages() {}

    /**
     * The outcome the scorer computed. The official score travels as a double, which is exact
     * for these magnitudes (a multiple of 1/32 below 2^48); it is split back into a whole part
     * and a per-call remainder over {@code syopsBatch} so that {@code flopsSyops()} is unchanged.
     */
    public static Outcome outcome(Score s, int syopsBatch) {
        double f = s.getFlopsSyops();
        long whole = (long) Math.floor(f);
        long bias = Math.round((f - whole) * syopsBatch);
        CostEstimate c = new CostEstimate(
                s.getParams(),
                whole,
                bias,
                syopsBatch,
                (long) s.getFlopsFull(),
                s.getExtraOrDefault("ac_ops", 0),
                s.getExtraOrDefault("mac_ops", 0),
                s.getEnergyPj(),
                s.getExtraOrDefault("energy_full_pj", s.getEnergyPj()));
        return new Outcome(f, c);
    }
}
