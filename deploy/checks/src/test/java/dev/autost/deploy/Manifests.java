package dev.autost.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** Kubernetes documents of deploy/: rendered by {@code kubectl kustomize}, or read raw. */
final class Manifests {

    static final YAMLMapper YAML = new YAMLMapper();

    private final List<JsonNode> docs;

    private Manifests(List<JsonNode> docs) {
        this.docs = List.copyOf(docs);
    }

    /** deploy/ of this checkout (set by Surefire; the working directory otherwise). */
    static Path deployDir() {
        return Path.of(System.getProperty("autost.deploy.dir", ".."))
                .toAbsolutePath()
                .normalize();
    }

    /** kubectl on the PATH, if any (it renders Kustomize offline). */
    static Optional<Path> kubectl() {
        return Stream.of(System.getenv().getOrDefault("PATH", "").split(":"))
                .filter(d -> !d.isEmpty())
                .map(d -> Path.of(d, "kubectl"))
                .filter(Files::isExecutable)
                .findFirst();
    }

    /** {@code kubectl kustomize deploy/overlays/<overlay>}. */
    static Manifests render(Path kubectl, String overlay) {
        Path dir = deployDir().resolve("overlays").resolve(overlay);
        try {
            Path out = Files.createTempFile("kustomize-" + overlay, ".yaml");
            try {
                Process p = new ProcessBuilder(kubectl.toString(), "kustomize", dir.toString())
                        .redirectOutput(out.toFile())
                        .redirectErrorStream(false)
                        .start();
                if (!p.waitFor(60, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    throw new IllegalStateException("kubectl kustomize " + dir + " took over 60 s");
                }
                String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
                if (p.exitValue() != 0) {
                    throw new IllegalStateException("kubectl kustomize " + dir + " failed: " + err);
                }
                return parse(Files.readString(out));
            } finally {
                Files.deleteIfExists(out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Every YAML file of deploy/base as written (no patches, no namespace). */
    static Manifests rawBase() {
        List<JsonNode> all = new ArrayList<>();
        try (Stream<Path> files = Files.list(deployDir().resolve("base"))) {
            for (Path f :
                    files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
                if (!f.getFileName().toString().equals("kustomization.yaml")) {
                    all.addAll(parse(Files.readString(f)).docs);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Manifests(all);
    }

    static Manifests parse(String yaml) throws IOException {
        List<JsonNode> docs = new ArrayList<>();
        try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(yaml)) {
            while (it.hasNext()) {
                JsonNode d = it.next();
                if (d != null && d.isObject() && d.has("kind")) {
                    docs.add(d);
                }
            }
        }
        return new Manifests(docs);
    }

    List<JsonNode> all() {
        return docs;
    }

    List<JsonNode> kind(String kind) {
        return docs.stream().filter(d -> kind.equals(d.path("kind").asText())).toList();
    }

    JsonNode one(String kind, String name) {
        List<JsonNode> found = kind(kind).stream()
                .filter(d -> name.equals(d.path("metadata").path("name").asText()))
                .toList();
        if (found.size() != 1) {
            throw new AssertionError("expected one " + kind + " " + name + " but found " + found.size());
        }
        return found.get(0);
    }

    /** Pod templates of the services: Deployments and the trainer ScaledJob, with their owner's name. */
    List<PodTemplate> podTemplates() {
        List<PodTemplate> pods = new ArrayList<>();
        for (JsonNode d : kind("Deployment")) {
            pods.add(new PodTemplate(
                    d.path("metadata").path("name").asText(), d.path("spec").path("template")));
        }
        for (JsonNode j : kind("ScaledJob")) {
            pods.add(new PodTemplate(
                    j.path("metadata").path("name").asText(),
                    j.path("spec").path("jobTargetRef").path("template")));
        }
        return pods;
    }

    /** Pod templates of the CronJobs (the retention Job), with their owner's name. */
    List<PodTemplate> cronJobPodTemplates() {
        List<PodTemplate> pods = new ArrayList<>();
        for (JsonNode j : kind("CronJob")) {
            pods.add(new PodTemplate(
                    j.path("metadata").path("name").asText(),
                    j.path("spec").path("jobTemplate").path("spec").path("template")));
        }
        return pods;
    }

    /** Every pod template: the services' and the CronJobs'. */
    List<PodTemplate> allPodTemplates() {
        List<PodTemplate> pods = new ArrayList<>(podTemplates());
        pods.addAll(cronJobPodTemplates());
        return pods;
    }

    record PodTemplate(String owner, JsonNode template) {
        JsonNode spec() {
            return template.path("spec");
        }

        JsonNode container() {
            return spec().path("containers").path(0);
        }
    }
}
