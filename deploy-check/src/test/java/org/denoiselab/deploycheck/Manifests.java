package org.denoiselab.deploycheck;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One rendered kustomization as typed fabric8 objects: built-in kinds as their model classes, custom
 * resources (Strimzi, KEDA) as GenericKubernetesResource. Also the pods that will exist: the pod
 * templates of the workloads, plus the pods Strimzi's operator will make from the Kafka resource
 * (their labels are Strimzi's, stated here so NetworkPolicy selectors can be checked against them).
 */
final class Manifests {
    static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    private static final Map<Path2, Manifests> CACHE = new ConcurrentHashMap<>();

    private record Path2(String dir) {}

    final String how;
    final List<ObjectNode> raw;
    final List<HasMetadata> objects;
    final Set<String> generatedConfigMaps;

    private Manifests(Kustomize.Rendered rendered) {
        this.how = rendered.how();
        this.raw = rendered.docs();
        List<HasMetadata> parsed = new ArrayList<>();
        for (ObjectNode doc : raw) {
            KubernetesResource r = SERIALIZATION.convertValue(doc, KubernetesResource.class);
            if (!(r instanceof HasMetadata h)) {
                throw new IllegalStateException(
                        "not a Kubernetes object: " + doc.path("kind") + " " + doc.path("metadata"));
            }
            parsed.add(h);
        }
        this.objects = List.copyOf(parsed);
        Set<String> generated = new HashSet<>();
        for (JsonNode k : List.of(
                kustomization("k8s/base"), kustomization("infra/monitoring"), kustomization("infra/monitoring/gpu"))) {
            k.path("configMapGenerator")
                    .forEach(g -> generated.add(g.path("name").asText()));
        }
        this.generatedConfigMaps = Set.copyOf(generated);
    }

    static JsonNode kustomization(String dir) {
        return Kustomize.parseAll(Repo.read(Repo.path(dir).resolve("kustomization.yaml")), dir)
                .get(0);
    }

    /** k8s/ (the base), rendered once per test run */
    static Manifests base() {
        return CACHE.computeIfAbsent(new Path2(Repo.K8S.toString()), p -> new Manifests(Kustomize.render(Repo.K8S)));
    }

    /** k8s/overlays/gpu */
    static Manifests gpu() {
        return CACHE.computeIfAbsent(
                new Path2(Repo.GPU_OVERLAY.toString()), p -> new Manifests(Kustomize.render(Repo.GPU_OVERLAY)));
    }

    <T extends HasMetadata> List<T> all(Class<T> type) {
        return objects.stream().filter(type::isInstance).map(type::cast).toList();
    }

    List<GenericKubernetesResource> custom(String kind) {
        return all(GenericKubernetesResource.class).stream()
                .filter(r -> kind.equals(r.getKind()))
                .toList();
    }

    <T extends HasMetadata> T one(Class<T> type, String name) {
        return all(type).stream()
                .filter(o -> name.equals(o.getMetadata().getName()))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no " + type.getSimpleName() + " named " + name));
    }

    <T extends HasMetadata> Optional<T> find(Class<T> type, String namespace, String name) {
        return all(type).stream()
                .filter(o -> Objects.equals(namespace, o.getMetadata().getNamespace()))
                .filter(o -> name.equals(baseName(o.getMetadata().getName())))
                .findFirst();
    }

    GenericKubernetesResource customOne(String kind, String name) {
        return custom(kind).stream()
                .filter(r -> name.equals(r.getMetadata().getName()))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no " + kind + " named " + name));
    }

    String baseName(String name) {
        return Kustomize.baseName(name, generatedConfigMaps);
    }

    /** A pod that will run: its owner, namespace, labels and (for our workloads) its template. */
    record Pod(String owner, String namespace, Map<String, String> labels, PodTemplateSpec template) {
        boolean fromOperator() {
            return template == null;
        }

        List<Container> allContainers() {
            List<Container> all = new ArrayList<>();
            if (template != null) {
                all.addAll(template.getSpec().getContainers());
                all.addAll(template.getSpec().getInitContainers());
            }
            return all;
        }
    }

    List<Pod> pods() {
        List<Pod> pods = new ArrayList<>();
        for (HasMetadata o : objects) {
            PodTemplateSpec t = null;
            if (o instanceof Deployment d) {
                t = d.getSpec().getTemplate();
            } else if (o instanceof StatefulSet s) {
                t = s.getSpec().getTemplate();
            } else if (o instanceof DaemonSet s) {
                t = s.getSpec().getTemplate();
            } else if (o instanceof Job j) {
                t = j.getSpec().getTemplate();
            }
            if (t != null) {
                pods.add(new Pod(
                        o.getKind() + "/" + o.getMetadata().getName(),
                        o.getMetadata().getNamespace(),
                        Map.copyOf(t.getMetadata().getLabels()),
                        t));
            }
        }
        pods.addAll(strimziPods());
        return pods;
    }

    /**
     * The pods Strimzi's Cluster Operator makes for each Kafka resource: one set per node pool, the
     * entity operator, the Kafka Exporter; labelled as Strimzi labels them, plus the labels the Kafka
     * resource's pod templates add.
     */
    List<Pod> strimziPods() {
        List<Pod> pods = new ArrayList<>();
        for (GenericKubernetesResource kafka : custom("Kafka")) {
            String cluster = kafka.getMetadata().getName();
            String ns = kafka.getMetadata().getNamespace();
            Map<String, String> common = Map.of("strimzi.io/cluster", cluster, "strimzi.io/kind", "Kafka");
            for (GenericKubernetesResource pool : custom("KafkaNodePool")) {
                if (!cluster.equals(pool.getMetadata().getLabels().get("strimzi.io/cluster"))) {
                    continue;
                }
                Map<String, String> l = new LinkedHashMap<>(common);
                l.put("strimzi.io/name", cluster + "-kafka");
                l.put("strimzi.io/pool-name", pool.getMetadata().getName());
                l.putAll(templateLabels(kafka, "kafka"));
                pods.add(new Pod("KafkaNodePool/" + pool.getMetadata().getName(), ns, l, null));
            }
            if (node(kafka, "spec", "entityOperator") != null) {
                Map<String, String> l = new LinkedHashMap<>(common);
                l.put("strimzi.io/name", cluster + "-entity-operator");
                l.putAll(templateLabels(kafka, "entityOperator"));
                pods.add(new Pod("Kafka/" + cluster + " entity operator", ns, l, null));
            }
            if (node(kafka, "spec", "kafkaExporter") != null) {
                Map<String, String> l = new LinkedHashMap<>(common);
                l.put("strimzi.io/name", cluster + "-kafka-exporter");
                l.putAll(templateLabels(kafka, "kafkaExporter"));
                pods.add(new Pod("Kafka/" + cluster + " Kafka Exporter", ns, l, null));
            }
        }
        return pods;
    }

    private static Map<String, String> templateLabels(GenericKubernetesResource kafka, String component) {
        Object labels = node(kafka, "spec", component, "template", "pod", "metadata", "labels");
        Map<String, String> out = new LinkedHashMap<>();
        if (labels instanceof Map<?, ?> m) {
            m.forEach((k, v) -> out.put(String.valueOf(k), String.valueOf(v)));
        }
        return out;
    }

    /** A value inside a generic resource's additional properties (maps and lists), or null. */
    static Object node(GenericKubernetesResource r, Object... path) {
        Object at = r.getAdditionalProperties();
        for (Object p : path) {
            if (at instanceof Map<?, ?> m && p instanceof String s) {
                at = m.get(s);
            } else if (at instanceof List<?> l && p instanceof Integer i) {
                at = i < l.size() ? l.get(i) : null;
            } else {
                return null;
            }
        }
        return at;
    }

    static String text(GenericKubernetesResource r, Object... path) {
        Object v = node(r, path);
        return v == null ? null : String.valueOf(v);
    }

    @SuppressWarnings("unchecked")
    static List<Object> list(GenericKubernetesResource r, Object... path) {
        Object v = node(r, path);
        return v instanceof List<?> l ? (List<Object>) l : List.of();
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object v) {
        return v instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    // ------------------------------------------------------------ unknown fields in typed objects

    /**
     * Fields the fabric8 model did not recognise, as "path: name" (a typo such as readOnlyRootFileSystem
     * lands in a model object's additionalProperties instead of failing the parse).
     */
    static List<String> unknownFields(Object o) {
        List<String> found = new ArrayList<>();
        walk(o, "", found, java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>()));
        return found;
    }

    private static void walk(Object o, String path, List<String> found, Set<Object> seen) {
        if (o == null || !seen.add(o)) {
            return;
        }
        if (o instanceof Map<?, ?> m) {
            m.forEach((k, v) -> walk(v, path + "." + k, found, seen));
            return;
        }
        if (o instanceof Collection<?> c) {
            int i = 0;
            for (Object e : c) {
                walk(e, path + "[" + i++ + "]", found, seen);
            }
            return;
        }
        if (!o.getClass().getName().startsWith("io.fabric8.kubernetes.api.model")) {
            return;
        }
        for (Method m : o.getClass().getMethods()) {
            if (m.getParameterCount() != 0 || !m.getName().startsWith("get") || m.getDeclaringClass() == Object.class) {
                continue;
            }
            Object v;
            try {
                v = m.invoke(o);
            } catch (ReflectiveOperationException | RuntimeException e) {
                continue;
            }
            if (m.getName().equals("getAdditionalProperties")) {
                if (v instanceof Map<?, ?> extra && !extra.isEmpty()) {
                    extra.keySet().forEach(k -> found.add((path.isEmpty() ? "" : path.substring(1) + ": ") + k));
                }
                continue;
            }
            String prop =
                    Character.toLowerCase(m.getName().charAt(3)) + m.getName().substring(4);
            walk(v, path + "." + prop, found, seen);
        }
    }
}
