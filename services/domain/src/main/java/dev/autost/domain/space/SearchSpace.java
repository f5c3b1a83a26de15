package dev.autost.domain.space;

import dev.autost.domain.cost.CostModel;
import dev.autost.domain.genome.Genome;
import dev.autost.domain.genome.InvalidGenomeException;
import dev.autost.domain.model.ModelSetting;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * The set of architectures a search may propose, with the fixed model setting and the
 * constraints that every candidate must meet. Immutable and validated on construction:
 * an invalid space never exists, and the exception names the offending field.
 *
 * @param name        label for reports
 * @param embedDims   choices of D (global)
 * @param minDepth    smallest L
 * @param maxDepth    largest L
 * @param mlpRatios   per-block MLP ratio choices
 * @param numHeads    per-block head-count choices
 * @param timeSteps   T choices; one value fixes T, several make it a searched gene
 * @param setting     input geometry, classes, backbone, default T, counter batch
 * @param constraints feasibility windows
 */
public record SearchSpace(
        String name,
        List<Integer> embedDims,
        int minDepth,
        int maxDepth,
        List<Double> mlpRatios,
        List<Integer> numHeads,
        List<Integer> timeSteps,
        ModelSetting setting,
        Constraints constraints) {

    public SearchSpace {
        Objects.requireNonNull(setting, "setting");
        Objects.requireNonNull(constraints, "constraints");
        name = name == null || name.isBlank() ? "custom" : name;
        embedDims = nonEmpty("embed_dims", embedDims);
        mlpRatios = nonEmpty("mlp_ratios", mlpRatios);
        numHeads = nonEmpty("num_heads", numHeads);
        timeSteps = nonEmpty("time_steps", timeSteps);
        if (minDepth < 1) {
            throw new InvalidSpaceException("depth.min", "must be at least 1, got " + minDepth);
        }
        if (maxDepth > Genome.MAX_DEPTH) {
            throw new InvalidSpaceException("depth.max", "must be at most " + Genome.MAX_DEPTH + ", got " + maxDepth);
        }
        if (minDepth > maxDepth) {
            throw new InvalidSpaceException("depth", "min " + minDepth + " is greater than max " + maxDepth);
        }
        for (int i = 0; i < numHeads.size(); i++) {
            if (numHeads.get(i) < 1) {
                throw new InvalidSpaceException("num_heads[" + i + "]", "must be at least 1, got " + numHeads.get(i));
            }
        }
        for (int i = 0; i < mlpRatios.size(); i++) {
            double r = mlpRatios.get(i);
            if (!(r > 0 && r <= Genome.MAX_MLP_RATIO)) {
                throw new InvalidSpaceException(
                        "mlp_ratios[" + i + "]", "must be in (0, " + (int) Genome.MAX_MLP_RATIO + "], got " + r);
            }
        }
        for (int i = 0; i < timeSteps.size(); i++) {
            int t = timeSteps.get(i);
            if (t < 1 || t > ModelSetting.MAX_TIME_STEPS) {
                throw new InvalidSpaceException(
                        "time_steps[" + i + "]", "must be in [1, " + ModelSetting.MAX_TIME_STEPS + "], got " + t);
            }
        }
        for (int i = 0; i < embedDims.size(); i++) {
            int d = embedDims.get(i);
            String field = "embed_dims[" + i + "]";
            if (d < 8 || d > Genome.MAX_EMBED_DIM) {
                throw new InvalidSpaceException(field, "must be in [8, " + Genome.MAX_EMBED_DIM + "], got " + d);
            }
            if (d % 8 != 0) {
                throw new InvalidSpaceException(
                        field, d + " is not divisible by 8 (the stem's first stage has D/8 channels)");
            }
            for (int h : numHeads) {
                if (d % h != 0) {
                    throw new InvalidSpaceException(field, d + " is not divisible by the head count " + h);
                }
            }
            for (double r : mlpRatios) {
                if ((int) (d * r) < 1) {
                    throw new InvalidSpaceException(
                            "mlp_ratios", "ratio " + r + " gives a hidden width of 0 at D = " + d);
                }
            }
        }
        checkNoOverflow(embedDims, maxDepth, mlpRatios, numHeads, timeSteps, setting);
    }

    private static <T> List<T> nonEmpty(String field, List<T> values) {
        if (values == null || values.isEmpty()) {
            throw new InvalidSpaceException(field, "needs at least one choice");
        }
        for (T v : values) {
            if (v == null) {
                throw new InvalidSpaceException(field, "contains an empty entry");
            }
        }
        List<T> distinct = values.stream().distinct().toList();
        if (distinct.size() != values.size()) {
            throw new InvalidSpaceException(field, "lists a choice twice: " + values);
        }
        return List.copyOf(values);
    }

    /** Refuses spaces whose largest genome would overflow a 64-bit operation count. */
    private static void checkNoOverflow(
            List<Integer> dims,
            int maxDepth,
            List<Double> ratios,
            List<Integer> heads,
            List<Integer> ts,
            ModelSetting setting) {
        int d = dims.stream().mapToInt(Integer::intValue).max().orElseThrow();
        double r = ratios.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
        int h = heads.stream().mapToInt(Integer::intValue).max().orElseThrow();
        int t = ts.stream().mapToInt(Integer::intValue).max().orElseThrow();
        List<Double> rs = new ArrayList<>();
        List<Integer> hs = new ArrayList<>();
        for (int i = 0; i < maxDepth; i++) {
            rs.add(r);
            hs.add(h);
        }
        try {
            new CostModel(setting.withTimeSteps(t)).estimate(new Genome(maxDepth, rs, hs, d, 0));
        } catch (ArithmeticException e) {
            throw new InvalidSpaceException(
                    "embed_dims/depth/image_size/time_steps",
                    "absurd sizes: the largest genome (D = " + d + ", depth " + maxDepth + ", ratio " + r + ", T = " + t
                            + ", image " + setting.imageSize() + ") overflows a 64-bit operation count");
        }
    }

    /** True when T is a gene of this space rather than fixed. */
    public boolean searchesTimeSteps() {
        return timeSteps.size() > 1;
    }

    /** The setting with this space's fixed T (or its first choice when searched). */
    public ModelSetting modelSetting() {
        return setting.withTimeSteps(timeSteps.get(0));
    }

    /** Number of distinct genomes: sum over depths of (|r| |h|)^L, times |D| and |T| when searched. */
    public BigInteger size() {
        BigInteger perLayer = BigInteger.valueOf((long) mlpRatios.size() * numHeads.size());
        BigInteger sum = BigInteger.ZERO;
        for (int l = minDepth; l <= maxDepth; l++) {
            sum = sum.add(perLayer.pow(l));
        }
        BigInteger total = sum.multiply(BigInteger.valueOf(embedDims.size()));
        return searchesTimeSteps() ? total.multiply(BigInteger.valueOf(timeSteps.size())) : total;
    }

    /**
     * Every genome of this space, depth by depth (then D, then the blocks' genes in order), for
     * spaces small enough to train every member (a tabulated benchmark). Constraints are not
     * applied: {@code Feasibility} decides which members count.
     *
     * @throws InvalidSpaceException when the space has more than {@code limit} members
     */
    public List<Genome> members(int limit) {
        if (size().compareTo(BigInteger.valueOf(limit)) > 0) {
            throw new InvalidSpaceException(
                    "size", "has " + size() + " members, more than the " + limit + " that can be listed");
        }
        List<Genome> out = new ArrayList<>();
        List<Integer> ts = searchesTimeSteps() ? timeSteps : List.of(0);
        for (int depth = minDepth; depth <= maxDepth; depth++) {
            int perLayer = mlpRatios.size() * numHeads.size();
            long combos = BigInteger.valueOf(perLayer).pow(depth).longValueExact();
            for (int t : ts) {
                for (int d : embedDims) {
                    for (long c = 0; c < combos; c++) {
                        List<Double> r = new ArrayList<>(depth);
                        List<Integer> h = new ArrayList<>(depth);
                        long rest = c;
                        for (int i = 0; i < depth; i++) {
                            int gene = (int) (rest % perLayer);
                            rest /= perLayer;
                            r.add(mlpRatios.get(gene / numHeads.size()));
                            h.add(numHeads.get(gene % numHeads.size()));
                        }
                        out.add(new Genome(depth, r, h, d, t));
                    }
                }
            }
        }
        return out;
    }

    /** A uniformly random genome of this space (depth uniform, then every gene uniform). */
    public Genome sample(RandomGenerator rng) {
        int depth = minDepth + rng.nextInt(maxDepth - minDepth + 1);
        List<Double> r = new ArrayList<>(depth);
        List<Integer> h = new ArrayList<>(depth);
        for (int i = 0; i < depth; i++) {
            r.add(pick(mlpRatios, rng));
        }
        for (int i = 0; i < depth; i++) {
            h.add(pick(numHeads, rng));
        }
        int d = pick(embedDims, rng);
        int t = searchesTimeSteps() ? pick(timeSteps, rng) : 0;
        return new Genome(depth, r, h, d, t);
    }

    /** A uniformly random element of {@code choices}. */
    public static <T> T pick(List<T> choices, RandomGenerator rng) {
        return choices.get(rng.nextInt(choices.size()));
    }

    /** Every depth choice, min to max. */
    public List<Integer> depths() {
        List<Integer> out = new ArrayList<>();
        for (int l = minDepth; l <= maxDepth; l++) {
            out.add(l);
        }
        return out;
    }

    /**
     * Checks that every gene of {@code g} is one of this space's choices.
     *
     * @throws InvalidGenomeException naming the first gene outside the space
     */
    public void requireContains(Genome g) {
        if (g.depth() < minDepth || g.depth() > maxDepth) {
            throw new InvalidGenomeException(
                    "depth " + g.depth() + " is outside [" + minDepth + ", " + maxDepth + "] of space " + name);
        }
        for (int i = 0; i < g.depth(); i++) {
            if (!mlpRatios.contains(g.mlpRatios().get(i))) {
                throw new InvalidGenomeException(
                        "mlp_ratios[" + i + "] = " + g.mlpRatios().get(i) + " is not one of " + mlpRatios);
            }
            if (!numHeads.contains(g.numHeads().get(i))) {
                throw new InvalidGenomeException(
                        "num_heads[" + i + "] = " + g.numHeads().get(i) + " is not one of " + numHeads);
            }
        }
        if (!embedDims.contains(g.embedDim())) {
            throw new InvalidGenomeException("embed_dim " + g.embedDim() + " is not one of " + embedDims);
        }
        if (searchesTimeSteps()
                ? !timeSteps.contains(g.timeSteps())
                : g.timeSteps() != 0 && g.timeSteps() != timeSteps.get(0)) {
            throw new InvalidGenomeException("time_steps " + g.timeSteps() + " is not one of " + timeSteps);
        }
    }

    /** True when {@code g} lies in this space; see {@link #requireContains}. */
    public boolean contains(Genome g) {
        try {
            requireContains(g);
            return true;
        } catch (InvalidGenomeException e) {
            return false;
        }
    }

    public SearchSpace withConstraints(Constraints c) {
        return new SearchSpace(name, embedDims, minDepth, maxDepth, mlpRatios, numHeads, timeSteps, setting, c);
    }

    public SearchSpace withSetting(ModelSetting s) {
        return new SearchSpace(name, embedDims, minDepth, maxDepth, mlpRatios, numHeads, timeSteps, s, constraints);
    }
}
