package org.denoiselab.science.model;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import java.util.Set;
import org.denoiselab.science.spec.RunSpec;
import org.junit.jupiter.api.Test;

/** The model a run trains is the one its spec names, block switches included. */
class ModelsTest {
    @Test
    void theSpecsBlockSwitchesReachTheModel() {
        RunSpec.ModelSpec baseline = new RunSpec.ModelSpec(Arch.JIT, JitSize.T, 7, 128, 0, 0);
        RunSpec.ModelSpec paper = new RunSpec.ModelSpec(Arch.JIT, JitSize.T, 7, 128, 0, 0, JitBlock.paper(JitSize.T));
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch");
                Denoiser b = Models.create(m, baseline, 1, 28, 28, 10, 0);
                Denoiser p = Models.create(m, paper, 1, 28, 28, 10, 0)) {
            Set<String> bNames = b.params().arrays().keySet();
            Set<String> pNames = p.params().arrays().keySet();
            assertFalse(bNames.stream().anyMatch(n -> n.contains("q_norm")), "baseline: no qk-norm");
            assertTrue(pNames.stream().anyMatch(n -> n.endsWith("attn.q_norm.weight")), "paper: qk-norm");
            assertTrue(pNames.contains(JiT.IN_CONTEXT_POSITIONS), "paper: in-context tokens");
            assertTrue(p.params().count() != b.params().count(), "different parameter counts");
        }
    }
}
