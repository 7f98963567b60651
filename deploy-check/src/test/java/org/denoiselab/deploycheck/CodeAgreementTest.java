package org.denoiselab.deploycheck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.denoiselab.pipeline.kafka.Topics;
import org.junit.jupiter.api.Test;

/** The manifests agree with the services' code: topics, ACLs, consumer groups, images, ports, env names, Secrets. */
class CodeAgreementTest {
    private final Manifests m = Manifests.base();

    /** Deployments that run one of the services' images */
    private List<Deployment> serviceDeployments() {
        return m.all(Deployment.class).stream()
                .filter(d -> image(d).startsWith("denoise-lab/"))
                .toList();
    }

    private static Container container(Deployment d) {
        return d.getSpec().getTemplate().getSpec().getContainers().get(0);
    }

    private static String image(Deployment d) {
        return container(d).getImage();
    }

    /** trainer-service, sampler-service or eval-service: the module the image is built from */
    private static String module(Deployment d) {
        String image = image(d);
        return image.substring("denoise-lab/".length(), image.contains(":") ? image.indexOf(':') : image.length());
    }

    private static String env(Container c, String name) {
        return c.getEnv().stream()
                .filter(e -> e.getName().equals(name))
                .map(EnvVar::getValue)
                .findFirst()
                .orElse(null);
    }

    private String kafkaUserOf(Deployment d) {
        EnvVar jaas = container(d).getEnv().stream()
                .filter(e -> e.getName().equals("KAFKA_SASL_JAAS_CONFIG"))
                .findFirst()
                .orElseThrow(() -> new AssertionError(d.getMetadata().getName() + ": no KAFKA_SASL_JAAS_CONFIG"));
        assertNotNull(
                jaas.getValueFrom(), d.getMetadata().getName() + ": KAFKA_SASL_JAAS_CONFIG must come from a Secret");
        assertEquals("sasl.jaas.config", jaas.getValueFrom().getSecretKeyRef().getKey());
        return jaas.getValueFrom().getSecretKeyRef().getName();
    }

    /** the role a Deployment of the trainer-service image plays (JAVA-HANDOFF.md items 3 and 4) */
    private static String role(Deployment d) {
        String module = module(d);
        if (!module.equals("trainer-service")) {
            return module.substring(0, module.indexOf('-'));
        }
        Container c = container(d);
        boolean consume = !"false".equals(env(c, "DENOISE_TRAINER_CONSUME"));
        boolean intake = !"false".equals(env(c, "DENOISE_TRAINER_INTAKE"));
        assertTrue(
                consume ^ intake,
                d.getMetadata().getName() + ": the trainer image runs either as intake or as trainer here");
        return consume ? "trainer" : "trainer-intake";
    }

    @Test
    void kafkaTopicsAreExactlyCoreTopics() {
        Map<String, GenericKubernetesResource> byName = new TreeMap<>();
        for (GenericKubernetesResource t : m.custom("KafkaTopic")) {
            String name = Manifests.text(t, "spec", "topicName");
            byName.put(name != null ? name : t.getMetadata().getName(), t);
        }
        Set<String> expected = new TreeSet<>();
        Topics.ALL.forEach(s -> expected.add(s.name()));
        assertEquals(expected, byName.keySet(), "KafkaTopic resources vs pipeline Topics.ALL");
        for (Topics.TopicSpec spec : Topics.ALL) {
            GenericKubernetesResource t = byName.get(spec.name());
            assertEquals(
                    spec.partitions(),
                    ((Number) Manifests.node(t, "spec", "partitions")).intValue(),
                    spec.name() + " partitions");
            Map<String, String> config = new TreeMap<>();
            Manifests.map(Manifests.node(t, "spec", "config")).forEach((k, v) -> config.put(k, String.valueOf(v)));
            assertEquals(new TreeMap<>(spec.configs()), config, spec.name() + " topic config");
        }
    }

    @Test
    void kafkaUserAclsAreExactlyWhatEachRoleReadsAndWrites() {
        Map<String, Code.Access> access = Code.kafkaAccess();
        Set<String> roles = new TreeSet<>();
        for (Deployment d : serviceDeployments()) {
            String role = role(d);
            roles.add(role);
            String user = kafkaUserOf(d);
            Code.Access a = access.get(role);
            assertNotNull(a, "the code has no Kafka access for role " + role);
            GenericKubernetesResource ku = m.customOne("KafkaUser", user);
            Map<String, Set<String>> topicOps = new TreeMap<>();
            Map<String, Set<String>> groupOps = new TreeMap<>();
            for (Object o : Manifests.list(ku, "spec", "authorization", "acls")) {
                Map<String, Object> acl = Manifests.map(o);
                Map<String, Object> res = Manifests.map(acl.get("resource"));
                Set<String> ops = new TreeSet<>();
                ((List<?>) acl.get("operations")).forEach(x -> ops.add(String.valueOf(x)));
                ops.remove("Describe"); // implied by Read and Write
                var target =
                        "topic".equals(res.get("type")) ? topicOps : "group".equals(res.get("type")) ? groupOps : null;
                assertNotNull(target, "KafkaUser " + user + ": only topic and group ACLs, not " + res);
                target.computeIfAbsent(String.valueOf(res.get("name")), k -> new TreeSet<>())
                        .addAll(ops);
            }
            Map<String, Set<String>> wantTopics = new TreeMap<>();
            a.readTopics()
                    .forEach(t ->
                            wantTopics.computeIfAbsent(t, k -> new TreeSet<>()).add("Read"));
            a.writeTopics()
                    .forEach(t ->
                            wantTopics.computeIfAbsent(t, k -> new TreeSet<>()).add("Write"));
            Map<String, Set<String>> wantGroups = new TreeMap<>();
            a.groups().forEach(g -> wantGroups.put(g, new TreeSet<>(Set.of("Read"))));
            assertEquals(
                    wantTopics,
                    topicOps,
                    "KafkaUser " + user + " (" + d.getMetadata().getName() + "): topic ACLs vs the code");
            assertEquals(
                    wantGroups,
                    groupOps,
                    "KafkaUser " + user + " (" + d.getMetadata().getName() + "): group ACLs vs the code");
        }
        assertEquals(access.keySet(), roles, "every role of the code runs in some Deployment");
    }

    @Test
    void kedaTriggersFollowTheCode() {
        Map<String, Code.Access> access = Code.kafkaAccess();
        for (GenericKubernetesResource so : m.custom("ScaledObject")) {
            Deployment d = m.one(Deployment.class, Manifests.text(so, "spec", "scaleTargetRef", "name"));
            Code.Access a = access.get(role(d));
            for (Object t : Manifests.list(so, "spec", "triggers")) {
                Map<String, Object> md = Manifests.map(Manifests.map(t).get("metadata"));
                String topic = String.valueOf(md.get("topic"));
                assertTrue(
                        a.groupTopics().contains(topic),
                        so.getMetadata().getName() + ": the Deployment's code consumes no " + topic);
                assertTrue(
                        a.groups().contains(String.valueOf(md.get("consumerGroup"))),
                        so.getMetadata().getName() + ": group " + md.get("consumerGroup") + " is not the code's");
                int partitions = Topics.spec(topic).partitions();
                int max = ((Number) Manifests.node(so, "spec", "maxReplicaCount")).intValue();
                assertTrue(
                        max <= partitions,
                        so.getMetadata().getName() + ": more replicas (" + max + ") than partitions of " + topic);
                assertEquals(
                        bootstrap(),
                        md.get("bootstrapServers"),
                        so.getMetadata().getName() + ": bootstrap servers");
            }
        }
        // KEDA's own user reads lag only: Describe on exactly the scaled topics and groups
        GenericKubernetesResource keda = m.customOne("KafkaUser", "keda");
        for (Object o : Manifests.list(keda, "spec", "authorization", "acls")) {
            assertEquals(List.of("Describe"), Manifests.map(o).get("operations"), "KafkaUser keda: Describe only");
        }
    }

    /** Strimzi's bootstrap Service of the one listener */
    private String bootstrap() {
        GenericKubernetesResource kafka = m.custom("Kafka").get(0);
        Map<String, Object> listener = Manifests.map(
                Manifests.list(kafka, "spec", "kafka", "listeners").get(0));
        return kafka.getMetadata().getName() + "-kafka-bootstrap."
                + kafka.getMetadata().getNamespace() + ".svc:" + listener.get("port");
    }

    @Test
    void sharedEnvironmentMatchesTheListenerAndTheObjectStore() {
        ConfigMap env =
                m.find(ConfigMap.class, "denoise-lab", "denoise-lab-env").orElseThrow();
        Map<String, String> data = env.getData();
        assertEquals(bootstrap(), data.get("KAFKA_BOOTSTRAP_SERVERS"));
        GenericKubernetesResource kafka = m.custom("Kafka").get(0);
        Map<String, Object> listener = Manifests.map(
                Manifests.list(kafka, "spec", "kafka", "listeners").get(0));
        assertEquals(
                Boolean.TRUE.equals(listener.get("tls")) ? "SASL_SSL" : "SASL_PLAINTEXT",
                data.get("KAFKA_SECURITY_PROTOCOL"));
        assertEquals("SCRAM-SHA-512", data.get("KAFKA_SASL_MECHANISM"));
        assertEquals("false", data.get("DENOISE_KAFKA_CREATE_TOPICS"), "topics belong to the Topic Operator");
        // the truststore file is where every service mounts the cluster CA
        for (Deployment d : serviceDeployments()) {
            String location = data.get("KAFKA_SSL_TRUSTSTORE_LOCATION");
            String dir = location.substring(0, location.lastIndexOf('/'));
            var mount = container(d).getVolumeMounts().stream()
                    .filter(vm -> vm.getMountPath().equals(dir))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError(d.getMetadata().getName() + ": nothing mounted at " + dir));
            Volume v = d.getSpec().getTemplate().getSpec().getVolumes().stream()
                    .filter(x -> x.getName().equals(mount.getName()))
                    .findFirst()
                    .orElseThrow();
            assertEquals(
                    kafka.getMetadata().getName() + "-cluster-ca-cert",
                    v.getSecret().getSecretName());
        }
        // the bucket of the policies is the bucket the services use
        String bucket = data.get("S3_BUCKET");
        for (var p : Repo.files(Repo.path("k8s/base/minio-policies"), ".json")) {
            Matcher r = Pattern.compile("arn:aws:s3:::([^/\"]+)").matcher(Repo.read(p));
            while (r.find()) {
                assertEquals(bucket, r.group(1), p + ": policy for another bucket");
            }
        }
    }

    @Test
    void imagesAreTheServicesAndPortsAgreeWithQuarkus() {
        List<Deployment> deployments = serviceDeployments();
        assertFalse(deployments.isEmpty());
        for (Deployment d : deployments) {
            String name = d.getMetadata().getName();
            String module = module(d);
            assertTrue(Code.SERVICES.contains(module), name + ": image " + image(d) + " is none of the services");
            assertEquals(module, Code.applicationProperties(module).getProperty("quarkus.application.name"), name);
            Container c = container(d);
            String port = env(c, "QUARKUS_HTTP_PORT");
            assertNotNull(port, name + ": QUARKUS_HTTP_PORT");
            assertEquals(
                    Code.applicationProperties(module).getProperty("quarkus.http.port"),
                    port,
                    name + ": keep each service on its own default port (README, local runtime)");
            ContainerPort http = c.getPorts().stream()
                    .filter(p -> "http".equals(p.getName()))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError(name + ": no container port named http"));
            assertEquals(
                    Integer.parseInt(port), http.getContainerPort(), name + ": containerPort vs QUARKUS_HTTP_PORT");
            Map<String, String> ann = d.getSpec().getTemplate().getMetadata().getAnnotations();
            assertEquals(port, ann.get("prometheus.io/port"), name + ": scrape port");
            assertEquals("/q/metrics", ann.get("prometheus.io/path"), name + ": Quarkus Micrometer path");
            for (var probe : List.of(c.getReadinessProbe(), c.getLivenessProbe(), c.getStartupProbe())) {
                assertNotNull(probe, name + ": probes");
                assertEquals("http", probe.getHttpGet().getPort().getStrVal(), name + ": probes use the http port");
                assertTrue(probe.getHttpGet().getPath().startsWith("/q/health/"), name + ": SmallRye Health path");
            }
        }
        // Services point at a named port that the selected pods have
        for (Service s : m.all(Service.class)) {
            var selected = m.pods().stream()
                    .filter(p -> p.template() != null
                            && p.labels()
                                    .entrySet()
                                    .containsAll(s.getSpec().getSelector().entrySet()))
                    .toList();
            assertFalse(selected.isEmpty(), "Service " + s.getMetadata().getName() + " selects no pod");
            for (ServicePort sp : s.getSpec().getPorts()) {
                String target = sp.getTargetPort().getStrVal();
                for (var p : selected) {
                    assertTrue(
                            p.allContainers().stream()
                                    .flatMap(c -> c.getPorts().stream())
                                    .anyMatch(cp -> target.equals(cp.getName())),
                            "Service " + s.getMetadata().getName() + ": " + p.owner() + " has no port " + target);
                }
            }
        }
        // every image the kustomization rewrites is used, and every service image is rewritten
        Set<String> rewritten = new TreeSet<>();
        Manifests.kustomization("k8s/base")
                .path("images")
                .forEach(i -> rewritten.add(i.path("name").asText()));
        Set<String> used = new TreeSet<>();
        deployments.forEach(d -> used.add(image(d).replaceAll("[:@].*", "")));
        assertEquals(rewritten, used, "images: entries of k8s/base/kustomization.yaml");
    }

    @Test
    void everyEnvNameIsReadByTheCodeOrListedInTheHandoff() {
        Map<String, String> read = Code.envNamesRead();
        Set<String> pending = Code.pendingEnvNames();
        // read by the runtime rather than the Java code: the image's entrypoint, PyTorch, CUDA
        Map<String, String> runtime = Map.of(
                "JAVA_OPTS", "infra/image/Dockerfile entrypoint",
                "OMP_NUM_THREADS", "PyTorch's CPU thread pool",
                "CUDA_CACHE_PATH", "CUDA's JIT cache",
                "DJL_CACHE_DIR", "DJL (infra/image/Dockerfile)");
        Set<String> set = new TreeSet<>();
        List<String> unknown = new ArrayList<>();
        for (Deployment d : serviceDeployments()) {
            Container c = container(d);
            List<String> names = new ArrayList<>();
            c.getEnv().forEach(e -> names.add(e.getName()));
            for (EnvFromSource from : c.getEnvFrom()) {
                ConfigMap cm = m.find(
                                ConfigMap.class,
                                d.getMetadata().getNamespace(),
                                from.getConfigMapRef().getName())
                        .orElseThrow(() -> new AssertionError(d.getMetadata().getName() + ": no ConfigMap "
                                + from.getConfigMapRef().getName()));
                names.addAll(cm.getData().keySet());
            }
            for (String n : names) {
                set.add(n);
                if (!read.containsKey(n) && !pending.contains(n) && !runtime.containsKey(n)) {
                    unknown.add(d.getMetadata().getName() + ": " + n);
                }
            }
        }
        assertTrue(
                unknown.isEmpty(),
                "env names nothing reads (neither the code nor k8s/JAVA-HANDOFF.md's table): " + unknown);
        Set<String> stale = new TreeSet<>(pending);
        stale.removeAll(set);
        assertTrue(stale.isEmpty(), "JAVA-HANDOFF.md lists names no manifest sets: " + stale);
        Set<String> done = new TreeSet<>(pending);
        done.retainAll(read.keySet());
        if (!done.isEmpty()) {
            System.out.println("read by the code now, remove from JAVA-HANDOFF.md's table: " + done);
        }
        System.out.println(
                "env names set for the services: " + set.size() + ", pending in JAVA-HANDOFF.md: " + pending);
    }

    @Test
    void noSecretValueIsCommittedAndEverySecretIsAccountedFor() {
        for (Manifests mm : List.of(m, Manifests.gpu())) {
            assertTrue(
                    mm.all(Secret.class).isEmpty(),
                    "Secrets are made by hand or by Strimzi, never committed: "
                            + mm.all(Secret.class).stream()
                                    .map(s -> s.getMetadata().getName())
                                    .toList());
        }
        GenericKubernetesResource kafka = m.custom("Kafka").get(0);
        Set<String> strimzi = new TreeSet<>();
        m.custom("KafkaUser").forEach(u -> strimzi.add(u.getMetadata().getName()));
        strimzi.add(kafka.getMetadata().getName() + "-cluster-ca-cert");
        Set<String> documented = documentedSecrets();
        Set<String> referenced = new TreeSet<>();
        for (var p : m.pods()) {
            if (p.template() == null) {
                continue;
            }
            p.template().getSpec().getVolumes().stream()
                    .filter(v -> v.getSecret() != null)
                    .forEach(v -> referenced.add(v.getSecret().getSecretName()));
            for (Container c : p.allContainers()) {
                c.getEnv().stream()
                        .filter(e ->
                                e.getValueFrom() != null && e.getValueFrom().getSecretKeyRef() != null)
                        .forEach(e -> referenced.add(
                                e.getValueFrom().getSecretKeyRef().getName()));
            }
        }
        for (GenericKubernetesResource a : m.custom("TriggerAuthentication")) {
            Manifests.list(a, "spec", "secretTargetRef")
                    .forEach(r -> referenced.add(String.valueOf(Manifests.map(r).get("name"))));
        }
        Set<String> unaccounted = new TreeSet<>(referenced);
        unaccounted.removeAll(strimzi);
        unaccounted.removeAll(documented);
        assertTrue(
                unaccounted.isEmpty(),
                "Secrets neither made by Strimzi nor documented in k8s/README.md 'Secrets': " + unaccounted);
        Set<String> unused = new TreeSet<>(documented);
        unused.removeAll(referenced);
        assertTrue(unused.isEmpty(), "k8s/README.md documents Secrets nothing uses: " + unused);
    }

    /** the Secret names in the table of k8s/README.md's section "Secrets" */
    static Set<String> documentedSecrets() {
        String readme = Repo.read(Repo.K8S.resolve("README.md"));
        int start = readme.indexOf("\n## Secrets");
        assertTrue(start >= 0, "k8s/README.md has a section '## Secrets'");
        int end = readme.indexOf("\n## ", start + 3);
        Set<String> names = new TreeSet<>();
        Matcher mm = Pattern.compile("(?m)^\\| `([a-z0-9-]+)` \\|")
                .matcher(readme.substring(start, end < 0 ? readme.length() : end));
        while (mm.find()) {
            names.add(mm.group(1));
        }
        return names;
    }

    @Test
    void trainerSplitAndGpuScheduling() {
        Deployment trainer = m.one(Deployment.class, "trainer-service");
        Deployment intake = m.one(Deployment.class, "trainer-intake");
        assertEquals("trainer", role(trainer));
        assertEquals("trainer-intake", role(intake));
        Container t = container(trainer);
        assertEquals("true", env(t, "DENOISE_REQUIRE_GPU"), "the GPU trainer fails fast without a GPU");
        assertNotNull(t.getResources().getLimits().get("nvidia.com/gpu"), "the trainer requests a GPU");
        assertEquals(
                "true",
                trainer.getSpec().getTemplate().getSpec().getNodeSelector().get("nvidia.com/gpu.present"));
        Container i = container(intake);
        assertFalse(i.getResources().getLimits().containsKey("nvidia.com/gpu"), "the intake holds no GPU");
        assertEquals("cpu", env(i, "DENOISE_DEVICE"));
        long grace = trainer.getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds();
        long javaGrace = Long.parseLong(env(t, "DENOISE_SHUTDOWN_GRACE_SECONDS"));
        assertTrue(
                javaGrace + 30 <= grace,
                "the Java side stops waiting (" + javaGrace + " s) well before SIGKILL (" + grace + " s)");
        // the intake Service and the results Service exist; nothing points at the GPU trainer
        assertTrue(m.find(Service.class, "denoise-lab", "trainer-intake").isPresent());
        for (Service s : m.all(Service.class)) {
            assertFalse(
                    "trainer-service".equals(s.getSpec().getSelector().get("app.kubernetes.io/name")),
                    "no Service routes requests to the GPU trainer: "
                            + s.getMetadata().getName());
        }
    }
}
