package org.denoiselab.deploycheck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Capabilities;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The restricted Pod Security Standard for every pod template (and for Strimzi's pods through the
 * Kafka resource's templates), a read-only root filesystem, service-account tokens only where used,
 * and the scheduling rules: no replicas on KEDA-scaled Deployments, disruption budgets.
 */
class PodSecurityTest {
    /** the only ServiceAccount whose token is mounted: Prometheus' pod discovery */
    private static final Set<String> TOKEN_USERS = Set.of("prometheus");

    private static String enforced(Manifests m, String namespace) {
        return m.all(Namespace.class).stream()
                .filter(n -> n.getMetadata().getName().equals(namespace))
                .findFirst()
                .map(n -> n.getMetadata().getLabels().get("pod-security.kubernetes.io/enforce"))
                .orElse(null);
    }

    @Test
    void namespacesEnforceAPodSecurityLevel() {
        assertEquals("restricted", enforced(Manifests.base(), "denoise-lab"));
        Manifests gpu = Manifests.gpu();
        for (Manifests.Pod p : gpu.pods()) {
            assertNotNull(
                    enforced(gpu, p.namespace()),
                    p.owner() + ": its namespace " + p.namespace() + " sets no enforce level");
        }
        // a namespace below "restricted" holds exactly one workload (the DCGM exporter), nothing else
        Map<String, List<String>> byNs = new HashMap<>();
        gpu.pods()
                .forEach(p -> byNs.computeIfAbsent(p.namespace(), k -> new ArrayList<>())
                        .add(p.owner()));
        byNs.forEach((ns, owners) -> {
            if (!"restricted".equals(enforced(gpu, ns))) {
                assertEquals(
                        List.of("DaemonSet/dcgm-exporter"),
                        owners,
                        ns + " is not restricted: only the DCGM exporter may live there");
            }
        });
    }

    @Test
    void everyPodTemplateMeetsTheRestrictedStandard() {
        List<String> problems = new ArrayList<>();
        Manifests m = Manifests.gpu(); // the base and the overlay's objects
        for (Manifests.Pod p : m.pods()) {
            if (p.fromOperator() || !"restricted".equals(enforced(m, p.namespace()))) {
                continue;
            }
            PodSpec spec = p.template().getSpec();
            PodSecurityContext psc = spec.getSecurityContext();
            String w = p.owner();
            if (Boolean.TRUE.equals(spec.getHostNetwork())
                    || Boolean.TRUE.equals(spec.getHostPID())
                    || Boolean.TRUE.equals(spec.getHostIPC())) {
                problems.add(w + ": host namespaces");
            }
            for (Volume v : spec.getVolumes()) {
                if (v.getHostPath() != null) {
                    problems.add(w + ": hostPath volume " + v.getName());
                }
            }
            boolean podNonRoot = psc != null && Boolean.TRUE.equals(psc.getRunAsNonRoot());
            boolean podSeccomp = psc != null
                    && psc.getSeccompProfile() != null
                    && "RuntimeDefault".equals(psc.getSeccompProfile().getType());
            if (psc != null && psc.getRunAsUser() != null && psc.getRunAsUser() == 0) {
                problems.add(w + ": runAsUser 0");
            }
            for (Container c : p.allContainers()) {
                String wc = w + " container " + c.getName();
                SecurityContext sc = c.getSecurityContext();
                if (sc == null) {
                    problems.add(wc + ": no securityContext");
                    continue;
                }
                if (!Boolean.FALSE.equals(sc.getAllowPrivilegeEscalation())) {
                    problems.add(wc + ": allowPrivilegeEscalation must be false");
                }
                if (Boolean.TRUE.equals(sc.getPrivileged())) {
                    problems.add(wc + ": privileged");
                }
                Capabilities caps = sc.getCapabilities();
                if (caps == null || !caps.getDrop().contains("ALL")) {
                    problems.add(wc + ": capabilities must drop ALL");
                }
                if (caps != null && !caps.getAdd().stream().allMatch("NET_BIND_SERVICE"::equals)) {
                    problems.add(wc + ": adds capabilities " + caps.getAdd());
                }
                if (!(podNonRoot || Boolean.TRUE.equals(sc.getRunAsNonRoot()))
                        || Boolean.FALSE.equals(sc.getRunAsNonRoot())) {
                    problems.add(wc + ": runAsNonRoot");
                }
                if (sc.getRunAsUser() != null && sc.getRunAsUser() == 0) {
                    problems.add(wc + ": runAsUser 0");
                }
                boolean seccomp = sc.getSeccompProfile() != null
                        ? "RuntimeDefault".equals(sc.getSeccompProfile().getType())
                        : podSeccomp;
                if (!seccomp) {
                    problems.add(wc + ": seccompProfile RuntimeDefault");
                }
                if (!Boolean.TRUE.equals(sc.getReadOnlyRootFilesystem())) {
                    problems.add(wc + ": readOnlyRootFilesystem");
                }
                if (c.getResources() == null
                        || c.getResources().getLimits().get("memory") == null
                        || c.getResources().getRequests().get("memory") == null) {
                    problems.add(wc + ": memory request and limit");
                }
            }
        }
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }

    /** Strimzi's pods take their securityContext from the Kafka resource's templates. */
    @Test
    void strimziTemplatesMeetTheRestrictedStandard() {
        GenericKubernetesResource kafka = Manifests.base().custom("Kafka").get(0);
        Map<String, List<String>> containersByComponent = Map.of(
                "kafka", List.of("kafkaContainer"),
                "entityOperator", List.of("topicOperatorContainer", "userOperatorContainer"),
                "kafkaExporter", List.of("container"));
        containersByComponent.forEach((component, containers) -> {
            Map<String, Object> pod =
                    Manifests.map(Manifests.node(kafka, "spec", component, "template", "pod", "securityContext"));
            assertEquals(Boolean.TRUE, pod.get("runAsNonRoot"), component + ": pod runAsNonRoot");
            assertEquals(
                    "RuntimeDefault",
                    Manifests.map(pod.get("seccompProfile")).get("type"),
                    component + ": pod seccompProfile");
            for (String c : containers) {
                Map<String, Object> sc =
                        Manifests.map(Manifests.node(kafka, "spec", component, "template", c, "securityContext"));
                assertEquals(
                        Boolean.FALSE,
                        sc.get("allowPrivilegeEscalation"),
                        component + "." + c + ": allowPrivilegeEscalation");
                assertEquals(
                        List.of("ALL"),
                        Manifests.map(sc.get("capabilities")).get("drop"),
                        component + "." + c + ": drop ALL");
            }
        });
    }

    @Test
    void serviceAccountTokensOnlyWhereUsed() {
        Manifests m = Manifests.gpu();
        Map<String, Boolean> automount = new HashMap<>();
        for (ServiceAccount sa : m.all(ServiceAccount.class)) {
            automount.put(
                    sa.getMetadata().getNamespace() + "/" + sa.getMetadata().getName(),
                    sa.getAutomountServiceAccountToken());
        }
        Map<String, String> owners = new HashMap<>();
        for (Manifests.Pod p : m.pods()) {
            if (p.fromOperator()) {
                continue;
            }
            PodSpec spec = p.template().getSpec();
            String sa = spec.getServiceAccountName();
            assertNotNull(sa, p.owner() + ": a dedicated ServiceAccount, not 'default'");
            assertFalse("default".equals(sa), p.owner() + ": a dedicated ServiceAccount, not 'default'");
            String key = p.namespace() + "/" + sa;
            assertTrue(automount.containsKey(key), p.owner() + ": ServiceAccount " + sa + " is not defined here");
            String before = owners.put(key, p.owner());
            assertNull(before, "ServiceAccount " + key + " shared by " + before + " and " + p.owner());
            boolean token = spec.getAutomountServiceAccountToken() != null
                    ? spec.getAutomountServiceAccountToken()
                    : !Boolean.FALSE.equals(automount.get(key));
            assertEquals(
                    TOKEN_USERS.contains(sa),
                    token,
                    p.owner() + ": service-account token mounted only where the API is used");
        }
    }

    @Test
    void kedaScaledDeploymentsHaveNoReplicas() {
        Manifests m = Manifests.base();
        for (GenericKubernetesResource so : m.custom("ScaledObject")) {
            Deployment d = m.one(Deployment.class, Manifests.text(so, "spec", "scaleTargetRef", "name"));
            assertNull(
                    d.getSpec().getReplicas(),
                    "Deployment " + d.getMetadata().getName()
                            + " is scaled by KEDA: a replicas field would reset it on every kubectl apply");
        }
    }

    @Test
    void disruptionBudgetsCoverTheTrainerAndTheIntake() {
        Manifests m = Manifests.base();
        for (String name : List.of("trainer-service", "trainer-intake")) {
            Deployment d = m.one(Deployment.class, name);
            Map<String, String> labels = d.getSpec().getTemplate().getMetadata().getLabels();
            PodDisruptionBudget pdb = m.all(PodDisruptionBudget.class).stream()
                    .filter(b -> labels.entrySet()
                            .containsAll(
                                    b.getSpec().getSelector().getMatchLabels().entrySet()))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("no PodDisruptionBudget selects " + name));
            if (name.equals("trainer-service")) {
                assertNull(
                        pdb.getSpec().getMinAvailable(),
                        "a minAvailable budget would block drains for a whole run (KEDA scales to 0)");
                assertEquals(1, pdb.getSpec().getMaxUnavailable().getIntVal());
            }
        }
    }

    @Test
    void objectStoreImagesArePinnedByDigest() {
        for (Manifests.Pod p : Manifests.base().pods()) {
            if (p.fromOperator()) {
                continue;
            }
            for (Container c : p.allContainers()) {
                if (c.getImage().contains("minio") || c.getImage().contains("/mc")) {
                    assertTrue(
                            c.getImage().matches("[^@]+:[^@]+@sha256:[0-9a-f]{64}"),
                            p.owner() + ": pin " + c.getImage() + " by tag and digest");
                }
            }
        }
    }
}
