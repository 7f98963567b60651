package org.denoiselab.deploycheck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Every manifest parses into fabric8's model: built-in kinds as their typed classes with no field the
 * model does not know (typos), custom resources as generic ones whose required fields are checked.
 */
class ModelTest {
    /** the custom resources in use; everything else must be a typed built-in kind */
    private static final Set<String> CUSTOM =
            Set.of("Kafka", "KafkaNodePool", "KafkaTopic", "KafkaUser", "ScaledObject", "TriggerAuthentication");

    @Test
    void builtInKindsAreTypedAndHaveNoUnknownFields() {
        for (Manifests m : List.of(Manifests.base(), Manifests.gpu())) {
            List<String> problems = new ArrayList<>();
            for (HasMetadata o : m.objects) {
                String what = o.getKind() + "/" + o.getMetadata().getName();
                if (o instanceof GenericKubernetesResource) {
                    if (!CUSTOM.contains(o.getKind())) {
                        problems.add(what + " (" + o.getApiVersion() + ") is no kind the model knows");
                    }
                    continue;
                }
                Manifests.unknownFields(o).forEach(f -> problems.add(what + ": unknown field " + f));
            }
            assertTrue(problems.isEmpty(), String.join("\n", problems));
        }
    }

    @Test
    void strimziResourcesHaveTheirRequiredFields() {
        Manifests m = Manifests.base();
        List<GenericKubernetesResource> kafkas = m.custom("Kafka");
        assertEquals(1, kafkas.size(), "one Kafka cluster");
        GenericKubernetesResource kafka = kafkas.get(0);
        String cluster = kafka.getMetadata().getName();
        for (GenericKubernetesResource r : List.of(kafka)) {
            assertEquals("kafka.strimzi.io/v1beta2", r.getApiVersion());
        }
        assertEquals("enabled", kafka.getMetadata().getAnnotations().get("strimzi.io/kraft"), "KRaft annotation");
        assertEquals(
                "enabled", kafka.getMetadata().getAnnotations().get("strimzi.io/node-pools"), "node pools annotation");
        assertNotNull(Manifests.text(kafka, "spec", "kafka", "version"), "spec.kafka.version");
        assertNotNull(
                Manifests.node(kafka, "spec", "entityOperator", "topicOperator"),
                "Topic Operator (KafkaTopic resources)");
        assertNotNull(
                Manifests.node(kafka, "spec", "entityOperator", "userOperator"), "User Operator (KafkaUser resources)");
        assertEquals(
                "simple",
                Manifests.text(kafka, "spec", "kafka", "authorization", "type"),
                "ACLs need simple authorization");
        assertEquals(null, Manifests.node(kafka, "spec", "zookeeper"), "KRaft: no ZooKeeper");
        List<Object> listeners = Manifests.list(kafka, "spec", "kafka", "listeners");
        assertFalse(listeners.isEmpty(), "spec.kafka.listeners");
        for (Object l : listeners) {
            Map<String, Object> listener = Manifests.map(l);
            for (String f : List.of("name", "port", "type", "tls")) {
                assertTrue(listener.containsKey(f), "listener field " + f + " in " + listener);
            }
            assertEquals(
                    "scram-sha-512",
                    Manifests.map(listener.get("authentication")).get("type"),
                    "every listener authenticates (SCRAM-SHA-512): " + listener.get("name"));
        }

        Set<String> roles = new TreeSet<>();
        for (GenericKubernetesResource pool : m.custom("KafkaNodePool")) {
            String what = "KafkaNodePool " + pool.getMetadata().getName();
            assertEquals(
                    cluster, pool.getMetadata().getLabels().get("strimzi.io/cluster"), what + ": strimzi.io/cluster");
            assertTrue(Manifests.node(pool, "spec", "replicas") instanceof Number, what + ": spec.replicas");
            assertNotNull(Manifests.node(pool, "spec", "storage", "type"), what + ": spec.storage");
            List<Object> r = Manifests.list(pool, "spec", "roles");
            assertFalse(r.isEmpty(), what + ": spec.roles");
            r.forEach(x -> assertTrue(Set.of("controller", "broker").contains(x), what + ": role " + x));
            r.forEach(x -> roles.add(String.valueOf(x)));
            assertEquals(
                    null,
                    Manifests.node(pool, "spec", "template"),
                    what + ": a node pool template replaces the Kafka resource's whole template (pod security)");
        }
        assertEquals(Set.of("broker", "controller"), roles, "KRaft needs controllers and brokers");

        for (GenericKubernetesResource t : m.custom("KafkaTopic")) {
            String what = "KafkaTopic " + t.getMetadata().getName();
            assertEquals(cluster, t.getMetadata().getLabels().get("strimzi.io/cluster"), what + ": strimzi.io/cluster");
            assertTrue(Manifests.node(t, "spec", "partitions") instanceof Number, what + ": spec.partitions");
            assertTrue(Manifests.node(t, "spec", "replicas") instanceof Number, what + ": spec.replicas");
        }
        for (GenericKubernetesResource u : m.custom("KafkaUser")) {
            String what = "KafkaUser " + u.getMetadata().getName();
            assertEquals(cluster, u.getMetadata().getLabels().get("strimzi.io/cluster"), what + ": strimzi.io/cluster");
            assertEquals(
                    "scram-sha-512", Manifests.text(u, "spec", "authentication", "type"), what + ": authentication");
            assertEquals("simple", Manifests.text(u, "spec", "authorization", "type"), what + ": authorization");
            List<Object> acls = Manifests.list(u, "spec", "authorization", "acls");
            assertFalse(acls.isEmpty(), what + ": no ACLs");
            for (Object a : acls) {
                Map<String, Object> acl = Manifests.map(a);
                assertFalse(
                        acl.containsKey("operation"),
                        what + ": 'operation' is deprecated (removed in the v1 API), use 'operations'");
                assertTrue(acl.get("operations") instanceof List<?> l && !l.isEmpty(), what + ": operations");
                Map<String, Object> res = Manifests.map(acl.get("resource"));
                assertTrue(
                        Set.of("topic", "group", "cluster", "transactionalId").contains(res.get("type")),
                        what + ": resource type");
                assertEquals("literal", res.get("patternType"), what + ": ACLs name exact topics and groups");
            }
        }
    }

    @Test
    void kedaResourcesHaveTheirRequiredFields() {
        Manifests m = Manifests.base();
        Set<String> auths = new TreeSet<>();
        for (GenericKubernetesResource a : m.custom("TriggerAuthentication")) {
            auths.add(a.getMetadata().getName());
            for (Object ref : Manifests.list(a, "spec", "configMapTargetRef")) {
                Map<String, Object> r = Manifests.map(ref);
                ConfigMap cm = m.find(ConfigMap.class, a.getMetadata().getNamespace(), String.valueOf(r.get("name")))
                        .orElseThrow(() -> new AssertionError("TriggerAuthentication "
                                + a.getMetadata().getName() + ": no ConfigMap " + r.get("name")));
                assertTrue(
                        cm.getData().containsKey(String.valueOf(r.get("key"))),
                        "ConfigMap " + r.get("name") + " has no key " + r.get("key"));
            }
            assertFalse(Manifests.list(a, "spec", "secretTargetRef").isEmpty(), "the password comes from a Secret");
        }
        for (GenericKubernetesResource so : m.custom("ScaledObject")) {
            String what = "ScaledObject " + so.getMetadata().getName();
            String target = Manifests.text(so, "spec", "scaleTargetRef", "name");
            assertNotNull(target, what + ": scaleTargetRef.name");
            assertTrue(
                    m.find(Deployment.class, so.getMetadata().getNamespace(), target)
                            .isPresent(),
                    what + ": no Deployment " + target);
            assertTrue(Manifests.node(so, "spec", "maxReplicaCount") instanceof Number, what + ": maxReplicaCount");
            List<Object> triggers = Manifests.list(so, "spec", "triggers");
            assertFalse(triggers.isEmpty(), what + ": triggers");
            for (Object t : triggers) {
                Map<String, Object> trigger = Manifests.map(t);
                assertEquals("kafka", trigger.get("type"), what);
                Map<String, Object> md = Manifests.map(trigger.get("metadata"));
                for (String f : List.of("bootstrapServers", "consumerGroup", "topic", "lagThreshold")) {
                    assertTrue(md.containsKey(f), what + ": trigger metadata " + f);
                }
                assertEquals("true", md.get("limitToPartitionsWithLag"), what + ": limitToPartitionsWithLag");
                assertFalse(
                        "true".equals(md.get("allowIdleConsumers")),
                        what + ": allowIdleConsumers contradicts limitToPartitionsWithLag");
                String auth = String.valueOf(
                        Manifests.map(trigger.get("authenticationRef")).get("name"));
                assertTrue(auths.contains(auth), what + ": authenticationRef " + auth + " is no TriggerAuthentication");
            }
        }
    }
}
