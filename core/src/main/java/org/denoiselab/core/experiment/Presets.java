package org.denoiselab.core.experiment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.denoiselab.core.diffusion.Ddpm;
import org.denoiselab.core.pipeline.Json;

/**
 * Named defaults for experiment requests. A request names a preset (or a dataset kind that is one)
 * and overrides any field; objects merge field by field, values and lists replace. The whole table is
 * {@link #TABLE}: the one place to tune sizes and budgets.
 */
public final class Presets {
    private Presets() {}

    public static final String TOY = "toy";
    public static final String FMNIST = "fmnist";
    public static final String QUICK = "quick";
    public static final String CIFAR10 = "cifar10";
    public static final String CELEBA = "celeba";

    /**
     * Layers merged in order: "base" under every preset, then a preset's parent (quick extends
     * fmnist), then the preset. The fmnist budget (limit, epochs, numEval) is a CPU placeholder sized
     * for the ~20 minute main job on 2 cores; quick is the ~3 minute walk through the whole flow.
     */
    static final String TABLE = """
        {
          "base": {
            "schemaVersion": 1, "method": "flow", "loss": "v",
            "dataset": {"limit": 0},
            "train": {"warmupSteps": 0, "emaDecay": 0.0, "timeSampling": "logit_normal", "tMean": -0.8, "tStd": 0.8,
                      "noiseScale": 1.0, "labelDropProb": 0.1, "seed": 0},
            "sampling": {"seed": 0, "cfgScale": 1.0, "cfgInterval": [0.1, 1.0], "clipDenoised": true}
          },
          "toy": {
            "dataset": {"kind": "toy", "toyDim": [2, 8, 16, 512], "limit": 8192},
            "model": {"arch": "mlp", "mlpWidth": 256, "mlpDepth": 5},
            "prediction": ["x", "eps", "v"],
            "train": {"epochs": 150, "batchSize": 256, "learningRate": 3e-3, "labelDropProb": 0.0, "checkpointEvery": 50,
                      "timeSampling": "uniform"},
            "sampling": {"solver": "euler", "steps": 50, "gridSize": 8, "numEval": 1000},
            "evaluation": {"extractor": "none"}
          },
          "fmnist": {
            "dataset": {"kind": "fmnist", "imageSize": 28, "limit": 6144},
            "model": {"arch": "jit", "size": "T", "patch": [4, 28], "bottleneck": 128},
            "prediction": ["x", "eps", "v"],
            "train": {"epochs": 3, "batchSize": 128, "learningRate": 2e-4, "warmupSteps": 50, "emaDecay": 0.95,
                      "checkpointEvery": 1},
            "sampling": {"solver": "heun", "steps": 10, "gridSize": 8, "numEval": 500},
            "evaluation": {"extractor": "classifier"}
          },
          "quick": {
            "dataset": {"limit": 2048},
            "model": {"patch": 7},
            "prediction": "x",
            "train": {"epochs": 2, "warmupSteps": 0, "emaDecay": 0.0},
            "sampling": {"numEval": 256}
          },
          "cifar10": {
            "dataset": {"kind": "cifar10", "imageSize": 32},
            "model": {"arch": "jit", "size": "B", "patch": [4, 32], "bottleneck": 128},
            "prediction": ["x", "eps", "v"],
            "train": {"epochs": 100, "batchSize": 128, "learningRate": 2e-4, "warmupSteps": 2000, "emaDecay": 0.9999,
                      "checkpointEvery": 10},
            "sampling": {"solver": "heun", "steps": 50, "gridSize": 8, "numEval": 10000},
            "evaluation": {"extractor": "inception"}
          },
          "celeba": {
            "dataset": {"kind": "celeba", "imageSize": 128},
            "model": {"arch": "jit", "size": "B", "patch": [8, 128], "bottleneck": 128},
            "prediction": ["x", "eps", "v"],
            "train": {"epochs": 50, "batchSize": 128, "learningRate": 2e-4, "warmupSteps": 2000, "emaDecay": 0.9999,
                      "checkpointEvery": 5},
            "sampling": {"solver": "heun", "steps": 50, "gridSize": 8, "numEval": 10000},
            "evaluation": {"extractor": "inception"}
          }
        }
        """;

    private static final Map<String, String> PARENT = Map.of(QUICK, FMNIST);

    /** Preset name -> its fully merged defaults (without the request), in table order. */
    private static final Map<String, ObjectNode> DEFAULTS = load();

    public static List<String> names() {
        return List.copyOf(DEFAULTS.keySet());
    }

    /** The defaults a preset supplies, as a request. */
    public static ExperimentRequest defaults(String preset) {
        ObjectNode node = DEFAULTS.get(preset);
        if (node == null) {
            throw new InvalidRequestException(List.of(unknownPreset(preset)));
        }
        return Json.convert(node, ExperimentRequest.class);
    }

    /**
     * The request with every field its preset defines filled in; fields the request sets win. Method
     * ddpm replaces the preset's prediction and loss by eps, its solver by ancestral and its steps by
     * T = 1000, the full chain (explicit values are kept: the validator rejects a contradiction, and
     * fewer steps run a strided chain). Resolving twice changes
     * nothing.
     */
    public static ExperimentRequest resolve(ExperimentRequest request) {
        String name = request.preset();
        if (name == null && request.dataset() != null && DEFAULTS.containsKey(request.dataset().kind())) {
            name = request.dataset().kind();
        }
        if (name == null) {
            throw new InvalidRequestException(List.of(new Violation("preset",
                    "missing: name a preset (" + String.join(", ", names()) + ") or a dataset.kind")));
        }
        ObjectNode base = DEFAULTS.get(name);
        if (base == null) {
            throw new InvalidRequestException(List.of(unknownPreset(name)));
        }
        ObjectNode merged = base.deepCopy();
        merge(merged, Json.mapper().valueToTree(request));
        merged.put("preset", name);
        if ("ddpm".equals(text(merged.get("method")))) {
            if (request.prediction() == null) {
                merged.set("prediction", Json.mapper().createArrayNode().add("eps"));
            }
            if (request.loss() == null) {
                merged.set("loss", Json.mapper().createArrayNode().add("eps"));
            }
            if (request.sampling() == null || request.sampling().solver() == null) {
                merged.withObjectProperty("sampling").put("solver", "ancestral");
            }
            if (request.sampling() == null || request.sampling().steps() == null) {
                merged.withObjectProperty("sampling").put("steps", Ddpm.DEFAULT_STEPS); // the full chain
            }
        }
        return Json.convert(merged, ExperimentRequest.class);
    }

    private static Violation unknownPreset(String name) {
        return new Violation("preset", "unknown preset '" + name + "', expected one of " + String.join(", ", names()));
    }

    private static String text(JsonNode node) {
        return node == null || node.isNull() ? null : node.asText();
    }

    /** Objects merge recursively; anything else in {@code over} replaces what {@code into} had. */
    private static void merge(ObjectNode into, JsonNode over) {
        for (Iterator<Map.Entry<String, JsonNode>> it = over.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode mine = into.get(e.getKey());
            if (mine instanceof ObjectNode mineObject && e.getValue().isObject()) {
                merge(mineObject, e.getValue());
            } else if (!e.getValue().isNull()) {
                into.set(e.getKey(), e.getValue().deepCopy());
            }
        }
    }

    private static Map<String, ObjectNode> load() {
        JsonNode table;
        try {
            table = Json.mapper().readTree(TABLE);
        } catch (IOException e) {
            throw new UncheckedIOException("preset table is not valid JSON", e);
        }
        List<String> order = new ArrayList<>();
        table.fieldNames().forEachRemaining(order::add);
        Map<String, ObjectNode> out = new LinkedHashMap<>();
        for (String name : order) {
            if (name.equals("base")) continue;
            ObjectNode merged = ((ObjectNode) table.get("base")).deepCopy();
            String parent = PARENT.get(name);
            if (parent != null) {
                merge(merged, table.get(parent));
            }
            merge(merged, table.get(name));
            merged.put("preset", name);
            // a typo in the table fails here, at class load, naming the field
            Json.convert(merged, ExperimentRequest.class);
            out.put(name, merged);
        }
        return out;
    }
}
