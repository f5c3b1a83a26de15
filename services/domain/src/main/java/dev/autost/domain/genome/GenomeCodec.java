package dev.autost.domain.genome;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Converts genomes to and from JSON (the project's own format) and the official
 * AutoST/AutoFormer result format {@code RETRAIN: {MLP_RATIO, NUM_HEADS, DEPTH, EMBED_DIM}}.
 *
 * <p>Stateless and thread-safe. Every parse error is an {@link InvalidGenomeException}
 * that names the field.
 */
public final class GenomeCodec {
    public static final String DEPTH = "depth";
    public static final String MLP_RATIOS = "mlp_ratios";
    public static final String NUM_HEADS = "num_heads";
    public static final String EMBED_DIM = "embed_dim";
    public static final String TIME_STEPS = "time_steps";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES));

    private GenomeCodec() {}

    /** Parses one JSON object such as {@code {"depth":1,"mlp_ratios":[4],"num_heads":[8],"embed_dim":256}}. */
    public static Genome fromJson(String json) {
        return fromJson(read(JSON, json, "JSON"));
    }

    /** Reads the genome fields of a JSON object; other fields are ignored. */
    public static Genome fromJson(JsonNode node) {
        if (node == null || !node.isObject()) {
            throw new InvalidGenomeException("a genome must be a JSON object, got " + describe(node));
        }
        int depth = requiredInt(node, DEPTH);
        List<Double> ratios = numberList(node, MLP_RATIOS);
        List<Integer> heads = intList(node, NUM_HEADS);
        int embed = requiredInt(node, EMBED_DIM);
        int t = node.has(TIME_STEPS) && !node.get(TIME_STEPS).isNull() ? requiredInt(node, TIME_STEPS) : 0;
        return new Genome(depth, ratios, heads, embed, t);
    }

    /** The genome as a JSON object with fields in canonical order. */
    public static ObjectNode toJson(Genome g) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        writeFields(g, o);
        return o;
    }

    /** Writes the genome fields into an existing object (used to extend result rows). */
    public static void writeFields(Genome g, ObjectNode o) {
        o.put(DEPTH, g.depth());
        ArrayNode r = o.putArray(MLP_RATIOS);
        for (double v : g.mlpRatios()) {
            if (v == Math.rint(v)) {
                r.add((long) v);
            } else {
                r.add(v);
            }
        }
        ArrayNode h = o.putArray(NUM_HEADS);
        g.numHeads().forEach(h::add);
        o.put(EMBED_DIM, g.embedDim());
        if (g.timeSteps() > 0) {
            o.put(TIME_STEPS, g.timeSteps());
        }
    }

    /**
     * The official result block as an ordered map ({@code RETRAIN} plus any extra
     * top-level entries such as score and params), ready for a YAML writer.
     */
    public static Map<String, Object> toOfficial(Genome g, Map<String, Object> extra) {
        Map<String, Object> retrain = new LinkedHashMap<>();
        retrain.put("MLP_RATIO", new ArrayList<>(g.mlpRatios()));
        retrain.put("NUM_HEADS", new ArrayList<>(g.numHeads()));
        retrain.put("DEPTH", g.depth());
        retrain.put("EMBED_DIM", g.embedDim());
        if (g.timeSteps() > 0) {
            retrain.put("TIME_STEPS", g.timeSteps());
        }
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("RETRAIN", retrain);
        root.putAll(extra);
        return root;
    }

    /** The official YAML text for one architecture. */
    public static String toOfficialYaml(Genome g, Map<String, Object> extra) {
        try {
            return YAML.writeValueAsString(toOfficial(g, extra));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("YAML writing of plain maps cannot fail", e);
        }
    }

    /**
     * Reads the official YAML ({@code RETRAIN: {MLP_RATIO, NUM_HEADS, DEPTH, EMBED_DIM}});
     * {@code EMBED_DIM} may be a number or a one-element list, as in AutoFormer's files.
     */
    public static Genome fromOfficialYaml(String yaml) {
        JsonNode root = read(YAML, yaml, "YAML");
        if (root == null || !root.isObject() || !root.path("RETRAIN").isObject()) {
            throw new InvalidGenomeException(
                    "RETRAIN: missing; expected RETRAIN: {MLP_RATIO, NUM_HEADS, DEPTH, EMBED_DIM}");
        }
        JsonNode r = root.get("RETRAIN");
        JsonNode embed = r.get("EMBED_DIM");
        if (embed != null && embed.isArray() && embed.size() == 1) {
            embed = embed.get(0);
        }
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.set(DEPTH, r.get("DEPTH"));
        n.set(MLP_RATIOS, r.get("MLP_RATIO"));
        n.set(NUM_HEADS, r.get("NUM_HEADS"));
        n.set(EMBED_DIM, embed);
        if (r.has("TIME_STEPS")) {
            n.set(TIME_STEPS, r.get("TIME_STEPS"));
        }
        try {
            return fromJson(n);
        } catch (InvalidGenomeException e) {
            throw new InvalidGenomeException(
                    "RETRAIN: "
                            + e.getMessage()
                                    .replace(MLP_RATIOS, "MLP_RATIO")
                                    .replace(NUM_HEADS, "NUM_HEADS")
                                    .replace(EMBED_DIM, "EMBED_DIM")
                                    .replace(DEPTH, "DEPTH"),
                    e);
        }
    }

    private static int requiredInt(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            throw new InvalidGenomeException(field + " is missing");
        }
        if (!v.isIntegralNumber() && !(v.isNumber() && v.asDouble() == Math.rint(v.asDouble()))) {
            throw new InvalidGenomeException(field + " must be an integer, got " + describe(v));
        }
        if (!v.canConvertToInt() && v.isIntegralNumber()) {
            throw new InvalidGenomeException(field + " is out of range: " + v);
        }
        return v.asInt();
    }

    private static List<Double> numberList(JsonNode node, String field) {
        JsonNode v = requiredArray(node, field);
        List<Double> out = new ArrayList<>(v.size());
        for (int i = 0; i < v.size(); i++) {
            JsonNode e = v.get(i);
            if (!e.isNumber()) {
                throw new InvalidGenomeException(field + "[" + i + "] must be a number, got " + describe(e));
            }
            out.add(e.asDouble());
        }
        return out;
    }

    private static List<Integer> intList(JsonNode node, String field) {
        JsonNode v = requiredArray(node, field);
        List<Integer> out = new ArrayList<>(v.size());
        for (int i = 0; i < v.size(); i++) {
            JsonNode e = v.get(i);
            if (!e.isNumber() || e.asDouble() != Math.rint(e.asDouble())) {
                throw new InvalidGenomeException(field + "[" + i + "] must be an integer, got " + describe(e));
            }
            out.add(e.asInt());
        }
        return out;
    }

    private static JsonNode requiredArray(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            throw new InvalidGenomeException(field + " is missing");
        }
        if (!v.isArray()) {
            throw new InvalidGenomeException(field + " must be a list, got " + describe(v));
        }
        return v;
    }

    private static String describe(JsonNode n) {
        if (n == null || n.isMissingNode()) {
            return "nothing";
        }
        return n.getNodeType().name().toLowerCase(java.util.Locale.ROOT) + " " + n;
    }

    private static JsonNode read(ObjectMapper mapper, String text, String format) {
        try {
            return mapper.readTree(text);
        } catch (JsonProcessingException e) {
            throw new InvalidGenomeException("not valid " + format + ": " + e.getOriginalMessage(), e);
        }
    }
}
