package org.denoiselab.deploycheck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Default deny, every selector selects something, and the paths the pipeline needs are open while
 * the others stay closed, evaluated over the pods the manifests (and Strimzi) will make.
 */
class NetworkPolicyTest {
    private final Manifests m = Manifests.gpu(); // base plus overlay: every namespace with pods

    // --------------------------------------------------------------- a small policy evaluator

    static boolean matches(LabelSelector s, Map<String, String> labels) {
        if (s == null) {
            return true;
        }
        if (s.getMatchLabels() != null
                && !labels.entrySet().containsAll(s.getMatchLabels().entrySet())) {
            return false;
        }
        for (LabelSelectorRequirement r : s.getMatchExpressions()) {
            String v = labels.get(r.getKey());
            boolean ok =
                    switch (r.getOperator()) {
                        case "In" -> v != null && r.getValues().contains(v);
                        case "NotIn" -> v == null || !r.getValues().contains(v);
                        case "Exists" -> v != null;
                        case "DoesNotExist" -> v == null;
                        default -> throw new IllegalArgumentException("operator " + r.getOperator());
                    };
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** namespaces are known by their name label only (kubernetes.io/metadata.name), plus labels given in a test */
    record Endpoint(String namespace, Map<String, String> labels, Map<String, String> namespaceLabels) {
        static Endpoint pod(Manifests.Pod p) {
            return new Endpoint(p.namespace(), p.labels(), Map.of("kubernetes.io/metadata.name", p.namespace()));
        }

        static Endpoint external(String namespace, Map<String, String> nsLabels, Map<String, String> labels) {
            Map<String, String> ns = new java.util.HashMap<>(nsLabels);
            ns.put("kubernetes.io/metadata.name", namespace);
            return new Endpoint(namespace, labels, ns);
        }
    }

    private static boolean peerMatches(
            NetworkPolicyPeer peer, String policyNamespace, Endpoint other, boolean outside) {
        if (peer.getIpBlock() != null) {
            return outside; // an address block stands for endpoints that are no pod of ours (API server, ...)
        }
        if (outside) {
            return false;
        }
        if (peer.getNamespaceSelector() == null) {
            return other.namespace().equals(policyNamespace) && matches(peer.getPodSelector(), other.labels());
        }
        return matches(peer.getNamespaceSelector(), other.namespaceLabels())
                && matches(peer.getPodSelector(), other.labels());
    }

    private static boolean portMatches(List<NetworkPolicyPort> ports, int port) {
        return ports.isEmpty()
                || ports.stream()
                        .anyMatch(p -> p.getPort() == null
                                || (p.getPort().getIntVal() != null
                                        && (p.getEndPort() == null
                                                ? p.getPort().getIntVal() == port
                                                : port >= p.getPort().getIntVal() && port <= p.getEndPort())));
    }

    /** Strimzi's own NetworkPolicy for the brokers' listeners, from the listeners' networkPolicyPeers */
    private List<NetworkPolicy> strimziPolicies() {
        List<NetworkPolicy> out = new ArrayList<>();
        for (GenericKubernetesResource kafka : m.custom("Kafka")) {
            String cluster = kafka.getMetadata().getName();
            var b = new io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder()
                    .withNewMetadata()
                    .withName(cluster + "-network-policy-kafka")
                    .withNamespace(kafka.getMetadata().getNamespace())
                    .endMetadata()
                    .withNewSpec()
                    .withNewPodSelector()
                    .addToMatchLabels("strimzi.io/name", cluster + "-kafka")
                    .endPodSelector()
                    .withPolicyTypes("Ingress");
            for (Object o : Manifests.list(kafka, "spec", "kafka", "listeners")) {
                Map<String, Object> l = Manifests.map(o);
                List<NetworkPolicyPeer> peers = new ArrayList<>();
                if (l.get("networkPolicyPeers") instanceof List<?> list) {
                    for (Object p : list) {
                        peers.add(Manifests.SERIALIZATION.convertValue(p, NetworkPolicyPeer.class));
                    }
                }
                b = b.addNewIngress()
                        .withFrom(peers)
                        .addNewPort()
                        .withNewPort(((Number) l.get("port")).intValue())
                        .withProtocol("TCP")
                        .endPort()
                        .endIngress();
            }
            // Strimzi's own rules: the controller quorum (9090) among the nodes, replication (9091) from the
            // nodes, the entity operator and the Kafka Exporter (and the Cluster Operator, elsewhere)
            b = b.addNewIngress()
                    .addNewFrom()
                    .withNewPodSelector()
                    .addToMatchLabels("strimzi.io/name", cluster + "-kafka")
                    .endPodSelector()
                    .endFrom()
                    .addNewPort()
                    .withNewPort(9090)
                    .withProtocol("TCP")
                    .endPort()
                    .endIngress();
            var replication = b.addNewIngress();
            for (String component : List.of("-kafka", "-entity-operator", "-kafka-exporter")) {
                replication = replication
                        .addNewFrom()
                        .withNewPodSelector()
                        .addToMatchLabels("strimzi.io/name", cluster + component)
                        .endPodSelector()
                        .endFrom();
            }
            b = replication
                    .addNewPort()
                    .withNewPort(9091)
                    .withProtocol("TCP")
                    .endPort()
                    .endIngress();
            out.add(b.endSpec().build());
        }
        return out;
    }

    private List<NetworkPolicy> policies() {
        List<NetworkPolicy> all = new ArrayList<>(m.all(NetworkPolicy.class));
        all.addAll(strimziPolicies());
        return all;
    }

    /** whether {@code from} may open a TCP connection to {@code to}:{@code port} (null endpoint = outside the cluster's pods) */
    boolean allowed(Endpoint from, Endpoint to, int port) {
        return egressAllowed(from, to, port) && ingressAllowed(from, to, port);
    }

    private boolean egressAllowed(Endpoint from, Endpoint to, int port) {
        if (from == null) {
            return true;
        }
        List<NetworkPolicy> selecting = policies().stream()
                .filter(p -> p.getMetadata().getNamespace().equals(from.namespace()))
                .filter(p -> p.getSpec().getPolicyTypes().contains("Egress"))
                .filter(p -> matches(p.getSpec().getPodSelector(), from.labels()))
                .toList();
        if (selecting.isEmpty()) {
            return true;
        }
        return selecting.stream()
                .flatMap(p -> p.getSpec().getEgress().stream().map(r -> Map.entry(p, r)))
                .anyMatch(e -> portMatches(e.getValue().getPorts(), port)
                        && (e.getValue().getTo().isEmpty()
                                || e.getValue().getTo().stream()
                                        .anyMatch(peer -> peerMatches(
                                                peer,
                                                e.getKey().getMetadata().getNamespace(),
                                                to == null ? new Endpoint("", Map.of(), Map.of()) : to,
                                                to == null))));
    }

    private boolean ingressAllowed(Endpoint from, Endpoint to, int port) {
        if (to == null) {
            return true;
        }
        List<NetworkPolicy> selecting = policies().stream()
                .filter(p -> p.getMetadata().getNamespace().equals(to.namespace()))
                .filter(p -> p.getSpec().getPolicyTypes().contains("Ingress"))
                .filter(p -> matches(p.getSpec().getPodSelector(), to.labels()))
                .toList();
        if (selecting.isEmpty()) {
            return true;
        }
        return selecting.stream()
                .flatMap(p -> p.getSpec().getIngress().stream().map(r -> Map.entry(p, r)))
                .anyMatch(e -> portMatches(e.getValue().getPorts(), port)
                        && (e.getValue().getFrom().isEmpty()
                                || e.getValue().getFrom().stream()
                                        .anyMatch(peer -> peerMatches(
                                                peer,
                                                e.getKey().getMetadata().getNamespace(),
                                                from == null ? new Endpoint("", Map.of(), Map.of()) : from,
                                                from == null))));
    }

    private Endpoint pod(String ownerPrefix) {
        return m.pods().stream()
                .filter(p -> p.owner().startsWith(ownerPrefix))
                .findFirst()
                .map(Endpoint::pod)
                .orElseThrow(() -> new AssertionError("no pod of " + ownerPrefix));
    }

    // --------------------------------------------------------------- the checks

    @Test
    void everyNamespaceWithPodsDeniesByDefault() {
        for (String ns :
                m.pods().stream().map(Manifests.Pod::namespace).distinct().toList()) {
            assertTrue(
                    m.all(NetworkPolicy.class).stream()
                            .anyMatch(p -> p.getMetadata().getNamespace().equals(ns)
                                    && p.getSpec()
                                            .getPodSelector()
                                            .getMatchLabels()
                                            .isEmpty()
                                    && p.getSpec()
                                            .getPodSelector()
                                            .getMatchExpressions()
                                            .isEmpty()
                                    && p.getSpec().getPolicyTypes().containsAll(List.of("Ingress", "Egress"))
                                    && p.getSpec().getIngress().isEmpty()
                                    && p.getSpec().getEgress().isEmpty()),
                    ns + ": no default-deny NetworkPolicy (all pods, Ingress and Egress, no rules)");
        }
    }

    @Test
    void everySelectorSelectsSomePod() {
        List<String> problems = new ArrayList<>();
        List<Manifests.Pod> pods = m.pods();
        for (NetworkPolicy p : m.all(NetworkPolicy.class)) {
            String ns = p.getMetadata().getNamespace();
            String what = "NetworkPolicy " + ns + "/" + p.getMetadata().getName();
            if (pods.stream()
                    .noneMatch(
                            x -> x.namespace().equals(ns) && matches(p.getSpec().getPodSelector(), x.labels()))) {
                problems.add(what + ": podSelector selects no pod");
            }
            List<NetworkPolicyPeer> peers = new ArrayList<>();
            p.getSpec().getIngress().forEach(r -> peers.addAll(r.getFrom()));
            p.getSpec().getEgress().forEach(r -> peers.addAll(r.getTo()));
            for (NetworkPolicyPeer peer : peers) {
                if (peer.getIpBlock() != null || peer.getPodSelector() == null) {
                    continue;
                }
                // a peer in a namespace of ours must select one of our pods (other namespaces: KEDA, DNS, ingress)
                List<String> namespaces = pods.stream()
                        .map(Manifests.Pod::namespace)
                        .distinct()
                        .filter(n -> peer.getNamespaceSelector() == null
                                ? n.equals(ns)
                                : matches(peer.getNamespaceSelector(), Map.of("kubernetes.io/metadata.name", n)))
                        .toList();
                if (namespaces.isEmpty()) {
                    continue;
                }
                if (pods.stream()
                        .noneMatch(x ->
                                namespaces.contains(x.namespace()) && matches(peer.getPodSelector(), x.labels()))) {
                    problems.add(what + ": peer " + peer.getPodSelector().getMatchLabels() + " selects no pod");
                }
            }
        }
        // the listener's peers (Strimzi's policy) too
        for (NetworkPolicy p : strimziPolicies()) {
            p.getSpec()
                    .getIngress()
                    .forEach(r -> r.getFrom().stream()
                            .filter(x -> x.getNamespaceSelector() == null)
                            .forEach(peer -> {
                                if (pods.stream().noneMatch(x -> matches(peer.getPodSelector(), x.labels()))) {
                                    problems.add("Kafka listener networkPolicyPeers "
                                            + peer.getPodSelector().getMatchLabels() + " selects no pod");
                                }
                            }));
        }
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }

    @Test
    void thePipelinesPathsAreOpen() {
        Endpoint kafka = pod("KafkaNodePool/broker");
        Endpoint minio = pod("StatefulSet/minio");
        Endpoint prometheus = pod("Deployment/prometheus");
        Endpoint dns = Endpoint.external("kube-system", Map.of(), Map.of("k8s-app", "kube-dns"));
        Endpoint keda = Endpoint.external("keda", Map.of(), Map.of("app", "keda-operator"));
        Endpoint ingress = Endpoint.external("ingress-nginx", Map.of("denoise-lab/api-access", "true"), Map.of());
        for (String service : List.of(
                "Deployment/trainer-service",
                "Deployment/trainer-intake",
                "Deployment/sampler-service",
                "Deployment/eval-service")) {
            Endpoint s = pod(service);
            assertTrue(allowed(s, kafka, 9093), service + " -> Kafka 9093");
            assertTrue(allowed(s, minio, 9000), service + " -> MinIO 9000");
            assertTrue(allowed(s, dns, 53), service + " -> DNS");
            int port = Integer.parseInt(m.pods().stream()
                    .filter(p -> p.owner().equals(service))
                    .findFirst()
                    .orElseThrow()
                    .template()
                    .getMetadata()
                    .getAnnotations()
                    .get("prometheus.io/port"));
            assertTrue(allowed(prometheus, s, port), "Prometheus scrapes " + service);
        }
        assertTrue(allowed(pod("Job/minio-setup"), minio, 9000), "setup Job -> MinIO");
        assertTrue(allowed(keda, kafka, 9093), "KEDA -> Kafka");
        assertTrue(allowed(pod("Deployment/grafana"), prometheus, 9090), "Grafana -> Prometheus");
        assertTrue(
                allowed(prometheus, pod("Kafka/denoise-lab Kafka Exporter"), 9404),
                "Prometheus scrapes the Kafka Exporter");
        assertTrue(allowed(prometheus, null, 443), "Prometheus -> API server (pod discovery)");
        assertTrue(allowed(pod("Kafka/denoise-lab entity operator"), null, 443), "entity operator -> API server");
        assertTrue(allowed(pod("Kafka/denoise-lab Kafka Exporter"), kafka, 9091), "Kafka Exporter -> brokers");
        assertTrue(allowed(ingress, pod("Deployment/trainer-intake"), 8081), "api-access namespace -> intake API");
        assertTrue(allowed(ingress, pod("Deployment/eval-service"), 8083), "api-access namespace -> results page");
        assertTrue(allowed(ingress, pod("Deployment/grafana"), 3000), "api-access namespace -> Grafana");
        assertTrue(allowed(prometheus, pod("DaemonSet/dcgm-exporter"), 9400), "Prometheus scrapes DCGM");
    }

    @Test
    void everythingElseIsClosed() {
        Endpoint kafka = pod("KafkaNodePool/broker");
        Endpoint minio = pod("StatefulSet/minio");
        Endpoint trainer = pod("Deployment/trainer-service");
        Endpoint intake = pod("Deployment/trainer-intake");
        Endpoint eval = pod("Deployment/eval-service");
        Endpoint grafana = pod("Deployment/grafana");
        Endpoint prometheus = pod("Deployment/prometheus");
        Endpoint stranger = Endpoint.external("someone-else", Map.of(), Map.of("app", "curious"));
        assertFalse(allowed(trainer, null, 443), "the trainer reaches nothing outside (no internet, no API server)");
        assertFalse(allowed(trainer, eval, 8083), "services do not call each other");
        assertFalse(allowed(eval, intake, 8081), "services do not call each other");
        assertFalse(allowed(stranger, intake, 8081), "the intake API only from api-access namespaces");
        assertFalse(allowed(stranger, trainer, 8081), "nobody outside reaches the GPU trainer");
        assertFalse(allowed(stranger, kafka, 9093), "Kafka only for its clients");
        assertFalse(allowed(stranger, minio, 9000), "MinIO only for its clients");
        assertFalse(allowed(grafana, minio, 9000), "Grafana reaches only Prometheus");
        assertFalse(allowed(grafana, trainer, 8081), "Grafana reaches only Prometheus");
        assertFalse(allowed(prometheus, minio, 9000), "Prometheus scrapes only labelled pods");
        assertFalse(allowed(pod("StatefulSet/minio"), null, 443), "MinIO reaches nothing outside");
        assertFalse(allowed(stranger, pod("DaemonSet/dcgm-exporter"), 9400), "DCGM only for Prometheus");
        assertEquals(1, m.custom("Kafka").size());
    }
}
