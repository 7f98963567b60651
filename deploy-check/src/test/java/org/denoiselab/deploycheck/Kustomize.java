package org.denoiselab.deploycheck;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Renders a kustomization: with {@code kubectl kustomize} when kubectl is on PATH and can render it,
 * else with {@link #builtin}, a loader of the subset of kustomize this repository uses (resources,
 * namespace, labels, images, configMapGenerator). The built-in one does not add kustomize's name
 * hashes to generated ConfigMaps; checks compare names through {@link #baseName}.
 * {@code -Ddeploycheck.render=builtin} forces the built-in loader (to test it where kubectl works).
 */
final class Kustomize {
    private Kustomize() {}

    static final YAMLMapper YAML = new YAMLMapper();

    /** kinds that have no namespace (the subset that can occur here) */
    private static final Set<String> CLUSTER_SCOPED = Set.of(
            "Namespace",
            "ClusterRole",
            "ClusterRoleBinding",
            "CustomResourceDefinition",
            "PriorityClass",
            "RuntimeClass",
            "StorageClass",
            "PersistentVolume",
            "ClusterTriggerAuthentication");

    record Rendered(String how, List<ObjectNode> docs) {}

    private static volatile Boolean kubectlWorks;

    /** kubectl's render when it works here, the built-in one otherwise; {@code how} says which. */
    static Rendered render(Path dir) {
        if ("builtin".equals(System.getProperty("deploycheck.render"))) {
            return new Rendered("built-in loader (-Ddeploycheck.render=builtin)", builtin(dir));
        }
        if (kubectlAvailable()) {
            Repo.Result r = Repo.run(120, "kubectl", "kustomize", dir.toString());
            if (r.exitCode() == 0) {
                return new Rendered("kubectl kustomize", parseAll(r.stdout(), dir.toString()));
            }
            // an old kubectl (Debian's 1.20) cannot render every layout: say so, fall back
            System.out.println("kubectl kustomize " + dir + " failed, using the built-in loader: " + r.output());
        }
        return new Rendered("built-in loader", builtin(dir));
    }

    static boolean kubectlAvailable() {
        if (kubectlWorks == null) {
            kubectlWorks = Repo.onPath("kubectl") != null
                    && Repo.run(60, "kubectl", "version", "--client").exitCode() == 0;
        }
        return kubectlWorks;
    }

    static String kubectlVersion() {
        return kubectlAvailable()
                ? Repo.run(60, "kubectl", "version", "--client").output().replace('\n', ' ')
                : "none";
    }

    /** A generated ConfigMap's name without kustomize's "-hash" suffix (other names unchanged). */
    static String baseName(String name, Set<String> generatedNames) {
        for (String g : generatedNames) {
            if (name.equals(g) || name.matches(java.util.regex.Pattern.quote(g) + "-[a-z0-9]{10}")) {
                return g;
            }
        }
        return name;
    }

    static List<ObjectNode> parseAll(String yaml, String source) {
        List<ObjectNode> docs = new ArrayList<>();
        try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(yaml)) {
            while (it.hasNext()) {
                JsonNode n = it.next();
                if (n == null || n.isNull() || n.isMissingNode() || (n.isObject() && n.isEmpty())) {
                    continue;
                }
                if (!n.isObject()) {
                    throw new IllegalStateException(source + ": a document is not a mapping: " + n);
                }
                docs.add((ObjectNode) n);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(source + ": not valid YAML: " + e.getMessage(), e);
        }
        return docs;
    }

    // ---------------------------------------------------------------- built-in loader

    static List<ObjectNode> builtin(Path dir) {
        Path file = dir.resolve("kustomization.yaml");
        if (!Files.exists(file)) {
            throw new IllegalStateException(dir + " has no kustomization.yaml");
        }
        List<ObjectNode> ks = parseAll(Repo.read(file), file.toString());
        if (ks.size() != 1) {
            throw new IllegalStateException(file + ": expected one document");
        }
        ObjectNode k = ks.get(0);
        for (String unsupported : List.of(
                "patches",
                "patchesStrategicMerge",
                "patchesJson6902",
                "components",
                "secretGenerator",
                "replacements",
                "namePrefix",
                "nameSuffix",
                "commonLabels",
                "replicas")) {
            if (k.has(unsupported)) {
                throw new IllegalStateException(file + ": the built-in loader does not support '" + unsupported
                        + "' (extend Kustomize.builtin or render with kubectl)");
            }
        }
        List<ObjectNode> out = new ArrayList<>();
        for (JsonNode r : k.path("resources")) {
            Path p = dir.resolve(r.asText()).normalize();
            if (Files.isDirectory(p)) {
                out.addAll(builtin(p));
            } else {
                out.addAll(parseAll(Repo.read(p), p.toString()));
            }
        }
        for (JsonNode g : k.path("configMapGenerator")) {
            out.add(configMap(dir, g));
        }
        String namespace = k.path("namespace").asText(null);
        for (ObjectNode o : out) {
            if (namespace != null && !CLUSTER_SCOPED.contains(o.path("kind").asText())) {
                ((ObjectNode) o.with("metadata")).put("namespace", namespace);
            }
            for (JsonNode l : k.path("labels")) {
                ObjectNode labels = (ObjectNode) o.with("metadata").with("labels");
                l.path("pairs").fields().forEachRemaining(e -> labels.set(e.getKey(), e.getValue()));
            }
            if (k.has("images")) {
                rewriteImages(o, k.path("images"));
            }
        }
        return out;
    }

    private static ObjectNode configMap(Path dir, JsonNode g) {
        ObjectNode cm = YAML.createObjectNode();
        cm.put("apiVersion", "v1");
        cm.put("kind", "ConfigMap");
        ObjectNode meta = cm.putObject("metadata");
        meta.put("name", g.path("name").asText());
        if (g.has("namespace")) {
            meta.put("namespace", g.path("namespace").asText());
        }
        ObjectNode data = cm.putObject("data");
        for (JsonNode f : g.path("files")) {
            String spec = f.asText();
            String key = spec.contains("=")
                    ? spec.substring(0, spec.indexOf('='))
                    : Path.of(spec).getFileName().toString();
            String path = spec.contains("=") ? spec.substring(spec.indexOf('=') + 1) : spec;
            data.put(key, Repo.read(dir.resolve(path)));
        }
        for (JsonNode l : g.path("literals")) {
            String spec = l.asText();
            data.put(spec.substring(0, spec.indexOf('=')), spec.substring(spec.indexOf('=') + 1));
        }
        return cm;
    }

    private static void rewriteImages(JsonNode node, JsonNode images) {
        if (node.isObject()) {
            ObjectNode o = (ObjectNode) node;
            if (o.has("containers") || o.has("initContainers")) {
                for (String field : List.of("containers", "initContainers")) {
                    for (JsonNode c : o.path(field)) {
                        String image = c.path("image").asText("");
                        for (JsonNode i : images) {
                            String name = i.path("name").asText();
                            if (image.equals(name) || image.startsWith(name + ":") || image.startsWith(name + "@")) {
                                String ref = i.path("newName").asText(name);
                                if (i.has("digest")) {
                                    ref += "@" + i.path("digest").asText();
                                } else if (i.has("newTag")) {
                                    ref += ":" + i.path("newTag").asText();
                                } else if (image.length() > name.length()) {
                                    ref += image.substring(name.length());
                                }
                                ((ObjectNode) c).put("image", ref);
                            }
                        }
                    }
                }
            }
            o.fields().forEachRemaining(e -> rewriteImages(e.getValue(), images));
        } else if (node.isArray()) {
            for (JsonNode n : (ArrayNode) node) {
                rewriteImages(n, images);
            }
        }
    }

    /** kind -> count, sorted by kind, for the reports. */
    static Map<String, Integer> countByKind(List<ObjectNode> docs) {
        Map<String, Integer> counts = new java.util.TreeMap<>();
        docs.forEach(d -> counts.merge(d.path("kind").asText(), 1, Integer::sum));
        return new LinkedHashMap<>(counts);
    }
}
