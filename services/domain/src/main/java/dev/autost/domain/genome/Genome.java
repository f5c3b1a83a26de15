package dev.autost.domain.genome;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One candidate architecture: {@code (L, r_1..r_L, h_1..h_L, D)} and, when the space
 * searches it, the number of time steps T.
 *
 * <p>Immutable value; equality is by value, so a genome can key a set of seen
 * candidates. {@link #canonicalJson()} is the single textual form that
 * {@link GenomeHash} hashes, so two equal genomes have the same hash in every JVM.
 *
 * @param depth      number of transformer blocks L (at least 1)
 * @param mlpRatios  per-block MLP ratio r_i; the hidden width is {@code (int) (D * r_i)}
 * @param numHeads   per-block attention heads h_i
 * @param embedDim   embedding dimension D, shared by all blocks
 * @param timeSteps  T when searched, or 0 when the model setting's T applies
 */
public record Genome(int depth, List<Double> mlpRatios, List<Integer> numHeads, int embedDim, int timeSteps) {

    /** Upper bound on depth; deeper genomes are refused before any arithmetic. */
    public static final int MAX_DEPTH = 1000;

    /** Upper bound on D, keeping D * D * hidden widths far from overflow. */
    public static final int MAX_EMBED_DIM = 1 << 16;

    /** Upper bound on an MLP ratio. */
    public static final double MAX_MLP_RATIO = 64;

    public Genome {
        if (depth < 1 || depth > MAX_DEPTH) {
            throw new InvalidGenomeException("depth must be in [1, " + MAX_DEPTH + "], got " + depth);
        }
        Objects.requireNonNull(mlpRatios, "mlp_ratios");
        Objects.requireNonNull(numHeads, "num_heads");
        if (mlpRatios.size() != depth) {
            throw new InvalidGenomeException("mlp_ratios has " + mlpRatios.size() + " entries but depth is " + depth);
        }
        if (numHeads.size() != depth) {
            throw new InvalidGenomeException("num_heads has " + numHeads.size() + " entries but depth is " + depth);
        }
        mlpRatios = List.copyOf(mlpRatios);
        numHeads = List.copyOf(numHeads);
        for (int i = 0; i < depth; i++) {
            double r = mlpRatios.get(i);
            if (!(r > 0 && r <= MAX_MLP_RATIO)) {
                throw new InvalidGenomeException(
                        "mlp_ratios[" + i + "] must be in (0, " + (int) MAX_MLP_RATIO + "], got " + r);
            }
            int h = numHeads.get(i);
            if (h < 1) {
                throw new InvalidGenomeException("num_heads[" + i + "] must be at least 1, got " + h);
            }
        }
        if (embedDim < 1 || embedDim > MAX_EMBED_DIM) {
            throw new InvalidGenomeException("embed_dim must be in [1, " + MAX_EMBED_DIM + "], got " + embedDim);
        }
        if (timeSteps < 0) {
            throw new InvalidGenomeException(
                    "time_steps must be positive (or 0 for the space default), got " + timeSteps);
        }
    }

    /** A genome with the same ratio and head count in every block, T not searched. */
    public static Genome uniform(int depth, double mlpRatio, int heads, int embedDim) {
        List<Double> r = new ArrayList<>(depth);
        List<Integer> h = new ArrayList<>(depth);
        for (int i = 0; i < depth; i++) {
            r.add(mlpRatio);
            h.add(heads);
        }
        return new Genome(depth, r, h, embedDim, 0);
    }

    /** Hidden width of block {@code layer}'s MLP, truncated as Python's {@code int(D * r)}. */
    public int hiddenWidth(int layer) {
        return (int) (embedDim * mlpRatios.get(layer));
    }

    /** T for this genome: its own when searched, otherwise {@code defaultTimeSteps}. */
    public int timeStepsOr(int defaultTimeSteps) {
        return timeSteps > 0 ? timeSteps : defaultTimeSteps;
    }

    /**
     * The canonical text form: keys in a fixed order, ratios without trailing zeros,
     * {@code time_steps} only when searched. Example:
     * {@code {"depth":2,"mlp_ratios":[4,3.5],"num_heads":[8,4],"embed_dim":256}}.
     */
    public String canonicalJson() {
        StringBuilder sb = new StringBuilder(96);
        sb.append("{\"depth\":").append(depth).append(",\"mlp_ratios\":[");
        for (int i = 0; i < depth; i++) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append(canonicalNumber(mlpRatios.get(i)));
        }
        sb.append("],\"num_heads\":[");
        for (int i = 0; i < depth; i++) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append(numHeads.get(i));
        }
        sb.append("],\"embed_dim\":").append(embedDim);
        if (timeSteps > 0) {
            sb.append(",\"time_steps\":").append(timeSteps);
        }
        return sb.append('}').toString();
    }

    /** Shortest plain decimal of a double: 4.0 becomes "4", 3.5 stays "3.5". */
    static String canonicalNumber(double value) {
        return BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
    }

    /** Same as {@link GenomeHash#of(Genome)}. */
    public String hash() {
        return GenomeHash.of(this);
    }

    @Override
    public String toString() {
        return canonicalJson();
    }
}
