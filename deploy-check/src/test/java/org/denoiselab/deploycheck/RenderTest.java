package org.denoiselab.deploycheck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** k8s/ and k8s/overlays/gpu render, and the built-in loader agrees with kubectl where both work. */
class RenderTest {
    @Test
    void baseAndGpuOverlayRender() {
        for (Manifests m : List.of(Manifests.base(), Manifests.gpu())) {
            assertFalse(m.raw.isEmpty());
            for (ObjectNode d : m.raw) {
                String what = d.path("kind").asText() + " "
                        + d.path("metadata").path("name").asText();
                assertFalse(d.path("apiVersion").asText().isEmpty(), what + ": no apiVersion");
                assertFalse(d.path("kind").asText().isEmpty(), what + ": no kind");
                assertFalse(d.path("metadata").path("name").asText().isEmpty(), what + ": no name");
            }
        }
        System.out.println("kubectl: " + Kustomize.kubectlVersion());
        System.out.println("k8s/ (" + Manifests.base().how + "): "
                + Manifests.base().raw.size() + " objects " + Kustomize.countByKind(Manifests.base().raw));
        System.out.println("k8s/overlays/gpu (" + Manifests.gpu().how + "): "
                + Manifests.gpu().raw.size() + " objects " + Kustomize.countByKind(Manifests.gpu().raw));
    }

    @Test
    void namesAreUniquePerKindAndNamespace() {
        for (Manifests m : List.of(Manifests.base(), Manifests.gpu())) {
            Set<String> seen = new TreeSet<>();
            List<String> duplicates = new ArrayList<>();
            for (ObjectNode d : m.raw) {
                String id = id(d, m);
                if (!seen.add(id)) {
                    duplicates.add(id);
                }
            }
            assertTrue(duplicates.isEmpty(), "defined twice: " + duplicates);
        }
    }

    /** The fallback for machines whose kubectl cannot render: it must see what kubectl sees. */
    @Test
    void builtInLoaderAgreesWithKubectl() {
        Assumptions.assumeTrue(
                Kustomize.kubectlAvailable(), "kubectl is not on PATH: only the built-in loader is used");
        for (var dir : List.of(Repo.K8S, Repo.GPU_OVERLAY)) {
            Kustomize.Rendered kubectl = Kustomize.render(dir);
            Assumptions.assumeTrue(kubectl.how().startsWith("kubectl"), "kubectl could not render " + dir);
            Manifests m = Manifests.base();
            Set<String> a = new TreeSet<>();
            kubectl.docs().forEach(d -> a.add(id(d, m)));
            Set<String> b = new TreeSet<>();
            Kustomize.builtin(dir).forEach(d -> b.add(id(d, m)));
            assertEquals(a, b, dir + ": kubectl kustomize and the built-in loader render different objects");
        }
    }

    private static String id(ObjectNode d, Manifests m) {
        return d.path("kind").asText() + " "
                + d.path("metadata").path("namespace").asText("-") + "/"
                + m.baseName(d.path("metadata").path("name").asText());
    }
}
