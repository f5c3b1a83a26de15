package dev.autost.images;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.Yaml;

/**
 * The services of deploy/compose/compose.yaml as the container test starts them: the file is read,
 * its {@code ${VAR:-default}} variables filled in as compose does, and each service kept with the
 * keys the stack uses. A key the test does not understand is refused, so that the file cannot
 * grow a setting the test silently ignores.
 */
record ComposeFile(String project, Map<String, Service> services, List<String> volumes) {
    private static final Pattern VARIABLE = Pattern.compile("\\$\\$|\\$\\{([A-Z0-9_]+)(?::-([^}]*))?}");
    private static final List<String> KNOWN_KEYS = List.of(
            "image",
            "network_mode",
            "restart",
            "depends_on",
            "environment",
            "read_only",
            "tmpfs",
            "security_opt",
            "cap_drop",
            "command",
            "volumes",
            "healthcheck",
            "profiles");

    /** One service: what a container of it is created with. */
    record Service(
            String name,
            String image,
            List<String> command,
            Map<String, String> environment,
            boolean readOnly,
            List<String> tmpfs,
            List<String> securityOpt,
            List<String> capDrop,
            List<String> volumes,
            List<String> dependsOn,
            List<String> profiles) {}

    /** Reads the file, with variables taken from {@code variables} (null: the default). */
    @SuppressWarnings("unchecked")
    static ComposeFile read(Path file, Function<String, String> variables) throws IOException {
        String text = interpolate(Files.readString(file), variables);
        Map<String, Object> root = new Yaml().load(text);
        Map<String, Service> services = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : ((Map<String, Object>) root.get("services")).entrySet()) {
            Map<String, Object> s = (Map<String, Object>) e.getValue();
            for (String key : s.keySet()) {
                if (!KNOWN_KEYS.contains(key)) {
                    throw new IllegalArgumentException(
                            e.getKey() + ": the container test does not apply `" + key + "`");
                }
            }
            if (!"host".equals(s.get("network_mode"))) {
                throw new IllegalArgumentException(e.getKey() + ": every service runs on the host network");
            }
            services.put(
                    e.getKey(),
                    new Service(
                            e.getKey(),
                            (String) s.get("image"),
                            strings(s.get("command")),
                            environment(s.get("environment")),
                            Boolean.TRUE.equals(s.get("read_only")),
                            strings(s.get("tmpfs")),
                            strings(s.get("security_opt")),
                            strings(s.get("cap_drop")),
                            strings(s.get("volumes")),
                            strings(s.get("depends_on")),
                            strings(s.get("profiles"))));
        }
        Map<String, Object> volumes = (Map<String, Object>) root.getOrDefault("volumes", Map.of());
        return new ComposeFile((String) root.get("name"), services, new ArrayList<>(volumes.keySet()));
    }

    static String interpolate(String text, Function<String, String> variables) {
        Matcher m = VARIABLE.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value;
            if (m.group().equals("$$")) {
                value = "$";
            } else {
                String set = variables.apply(m.group(1));
                value = set != null && !set.isEmpty() ? set : m.group(2) == null ? "" : m.group(2);
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, String> environment(Object o) {
        Map<String, String> env = new LinkedHashMap<>();
        if (o instanceof Map<?, ?> map) {
            map.forEach((k, v) -> env.put(String.valueOf(k), String.valueOf(v)));
        }
        return env;
    }

    private static List<String> strings(Object o) {
        List<String> list = new ArrayList<>();
        if (o instanceof List<?> l) {
            l.forEach(v -> list.add(String.valueOf(v)));
        } else if (o instanceof Map<?, ?> m) {
            m.keySet().forEach(k -> list.add(String.valueOf(k)));
        } else if (o != null) {
            list.add(String.valueOf(o));
        }
        return list;
    }
}
