package dev.autost.domain.space;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.autost.domain.model.Backbone;
import dev.autost.domain.model.InvalidModelSettingException;
import dev.autost.domain.model.ModelSetting;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * Loads search spaces: the shipped {@code tiny}, {@code small} and {@code base}, or a
 * user's YAML file. Stateless and thread-safe.
 *
 * <p>Every key is checked: unknown keys, wrong types and out-of-range values raise
 * {@link InvalidSpaceException} naming the key. Keys other than the choices default to
 * the official setting (32x32x3, patch 4, T = 4, 100 classes, AutoST backbone, batch
 * 32); a user file without {@code constraints} has no parameter window.
 */
public final class SearchSpaces {
    /** Names of the spaces shipped as resources. */
    public static final List<String> BUILT_IN = List.of("tiny", "small", "base", "fashion-micro", "fashion-table");

    private static final Set<String> TOP_KEYS = Set.of(
            "name",
            "embed_dims",
            "depth",
            "mlp_ratios",
            "num_heads",
            "time_steps",
            "image_size",
            "channels",
            "patch_size",
            "classes",
            "backbone",
            "syops_batch",
            "constraints");
    private static final Set<String> RANGE_KEYS = Set.of("min", "max");
    private static final Set<String> CONSTRAINT_KEYS = Set.of("params", "flops_syops", "energy_pj");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private SearchSpaces() {}

    /** A shipped space by name. */
    public static SearchSpace builtIn(String name) {
        String resource = "/dev/autost/domain/spaces/" + name + ".yaml";
        try (InputStream in = SearchSpaces.class.getResourceAsStream(resource)) {
            if (in == null || !BUILT_IN.contains(name)) {
                throw new InvalidSpaceException(
                        "space",
                        "unknown built-in space '" + name + "' (expected one of " + BUILT_IN + " or a YAML file path)");
            }
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + resource + " from the classpath", e);
        }
    }

    /** A built-in name, or else the path of a YAML file. */
    public static SearchSpace resolve(String nameOrPath) {
        if (BUILT_IN.contains(nameOrPath)) {
            return builtIn(nameOrPath);
        }
        Path p = Path.of(nameOrPath);
        if (!Files.isRegularFile(p)) {
            throw new InvalidSpaceException(
                    "space", "'" + nameOrPath + "' is neither a built-in space " + BUILT_IN + " nor a readable file");
        }
        return load(p);
    }

    /** Reads a space from a YAML file. */
    public static SearchSpace load(Path file) {
        try {
            return parse(Files.readString(file));
        } catch (IOException e) {
            throw new InvalidSpaceException("space", "cannot read " + file + ": " + e.getMessage());
        }
    }

    /**
     * The YAML text of a space, every key written out; {@link #parse} of it gives an equal
     * space. This is how a space travels inside an experiment spec.
     */
    public static String toYaml(SearchSpace s) {
        java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("name", s.name());
        m.put("embed_dims", s.embedDims());
        m.put("depth", java.util.Map.of("min", s.minDepth(), "max", s.maxDepth()));
        m.put("mlp_ratios", s.mlpRatios());
        m.put("num_heads", s.numHeads());
        m.put("time_steps", s.timeSteps());
        ModelSetting st = s.setting();
        m.put("image_size", st.imageSize());
        m.put("channels", st.channels());
        m.put("patch_size", st.patchSize());
        m.put("classes", st.classes());
        m.put("backbone", st.backbone().id());
        m.put("syops_batch", st.syopsBatch());
        java.util.Map<String, Object> c = new java.util.LinkedHashMap<>();
        putWindow(c, "params", s.constraints().params());
        putWindow(c, "flops_syops", s.constraints().flopsSyops());
        putWindow(c, "energy_pj", s.constraints().energyPj());
        if (!c.isEmpty()) {
            m.put("constraints", c);
        }
        try {
            return YAML.writeValueAsString(m);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("YAML writing of plain maps cannot fail", e);
        }
    }

    private static void putWindow(java.util.Map<String, Object> c, String key, Window w) {
        if (w.isUnbounded()) {
            return;
        }
        java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
        if (w.min() != null) {
            m.put("min", w.min());
        }
        if (w.max() != null) {
            m.put("max", w.max());
        }
        c.put(key, m);
    }

    /** Parses a space from YAML text. */
    public static SearchSpace parse(String yaml) {
        JsonNode root;
        try {
            root = YAML.readTree(yaml);
        } catch (JsonProcessingException e) {
            throw new InvalidSpaceException("space", "not valid YAML: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw new InvalidSpaceException(
                    "space", "the file must be a YAML mapping of keys such as embed_dims, depth, mlp_ratios");
        }
        refuseUnknown(root, "", TOP_KEYS);
        String name = root.hasNonNull("name") ? root.get("name").asText() : "custom";
        List<Integer> dims = list(root, "embed_dims", SearchSpaces::asInt);
        JsonNode depth = root.get("depth");
        if (depth == null || !depth.isObject()) {
            throw new InvalidSpaceException("depth", "is required as {min: L1, max: L2}");
        }
        refuseUnknown(depth, "depth.", RANGE_KEYS);
        int minDepth = intField(depth, "min", "depth.min", null);
        int maxDepth = intField(depth, "max", "depth.max", null);
        List<Double> ratios = list(root, "mlp_ratios", SearchSpaces::asDouble);
        List<Integer> heads = list(root, "num_heads", SearchSpaces::asInt);
        List<Integer> ts = root.has("time_steps") && root.get("time_steps").isNumber()
                ? List.of(intField(root, "time_steps", "time_steps", null))
                : root.has("time_steps")
                        ? list(root, "time_steps", SearchSpaces::asInt)
                        : List.of(ModelSetting.OFFICIAL.timeSteps());
        ModelSetting official = ModelSetting.OFFICIAL;
        Backbone backbone;
        try {
            backbone = root.hasNonNull("backbone")
                    ? Backbone.parse(root.get("backbone").asText())
                    : official.backbone();
        } catch (IllegalArgumentException e) {
            throw new InvalidSpaceException("backbone", e.getMessage());
        }
        ModelSetting setting;
        try {
            setting = new ModelSetting(
                    backbone,
                    intField(root, "image_size", "image_size", official.imageSize()),
                    intField(root, "channels", "channels", official.channels()),
                    intField(root, "patch_size", "patch_size", official.patchSize()),
                    intField(root, "classes", "classes", official.classes()),
                    positiveFirst(ts),
                    intField(root, "syops_batch", "syops_batch", official.syopsBatch()));
        } catch (InvalidModelSettingException e) {
            throw new InvalidSpaceException(e.refusal().field(), e.refusal().problem());
        }
        Constraints constraints = constraints(root.get("constraints"));
        return new SearchSpace(name, dims, minDepth, maxDepth, ratios, heads, ts, setting, constraints);
    }

    private static int positiveFirst(List<Integer> ts) {
        if (ts.isEmpty()) {
            throw new InvalidSpaceException("time_steps", "needs at least one choice");
        }
        int t = ts.get(0);
        if (t < 1) {
            throw new InvalidSpaceException("time_steps[0]", "must be at least 1, got " + t);
        }
        return t;
    }

    private static Constraints constraints(JsonNode node) {
        if (node == null || node.isNull()) {
            return Constraints.NONE;
        }
        if (!node.isObject()) {
            throw new InvalidSpaceException("constraints", "must be a mapping with params, flops_syops or energy_pj");
        }
        refuseUnknown(node, "constraints.", CONSTRAINT_KEYS);
        return new Constraints(window(node, "params"), window(node, "flops_syops"), window(node, "energy_pj"));
    }

    private static Window window(JsonNode parent, String key) {
        JsonNode w = parent.get(key);
        String field = "constraints." + key;
        if (w == null || w.isNull()) {
            return Window.UNBOUNDED;
        }
        if (!w.isObject()) {
            throw new InvalidSpaceException(field, "must be {min: .., max: ..}");
        }
        refuseUnknown(w, field + ".", RANGE_KEYS);
        Double min = w.hasNonNull("min") ? asDouble(w.get("min"), field + ".min") : null;
        Double max = w.hasNonNull("max") ? asDouble(w.get("max"), field + ".max") : null;
        try {
            return new Window(min, max);
        } catch (IllegalArgumentException e) {
            throw new InvalidSpaceException(field, e.getMessage());
        }
    }

    private static void refuseUnknown(JsonNode node, String prefix, Set<String> known) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!known.contains(key)) {
                throw new InvalidSpaceException(
                        prefix + key,
                        "unknown key (known keys: " + known.stream().sorted().toList() + ")");
            }
        }
    }

    private static int intField(JsonNode node, String key, String field, Integer dflt) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            if (dflt == null) {
                throw new InvalidSpaceException(field, "is required");
            }
            return dflt;
        }
        return asInt(v, field);
    }

    private static <T> List<T> list(JsonNode root, String key, Converter<T> conv) {
        JsonNode v = root.get(key);
        if (v == null || v.isNull()) {
            throw new InvalidSpaceException(key, "is required (a list of choices)");
        }
        if (!v.isArray()) {
            throw new InvalidSpaceException(key, "must be a list, got " + v);
        }
        if (v.isEmpty()) {
            throw new InvalidSpaceException(key, "needs at least one choice");
        }
        List<T> out = new ArrayList<>(v.size());
        for (int i = 0; i < v.size(); i++) {
            out.add(conv.convert(v.get(i), key + "[" + i + "]"));
        }
        return out;
    }

    @FunctionalInterface
    private interface Converter<T> {
        T convert(JsonNode node, String field);
    }

    private static Integer asInt(JsonNode v, String field) {
        if (!v.isNumber() || v.asDouble() != Math.rint(v.asDouble())) {
            throw new InvalidSpaceException(field, "must be an integer, got " + v);
        }
        if (!v.canConvertToInt() || Math.abs(v.asDouble()) > Integer.MAX_VALUE) {
            throw new InvalidSpaceException(field, "is too large: " + v);
        }
        return v.asInt();
    }

    private static Double asDouble(JsonNode v, String field) {
        if (!v.isNumber()) {
            throw new InvalidSpaceException(field, "must be a number, got " + v);
        }
        return v.asDouble();
    }
}
