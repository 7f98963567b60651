package org.denoiselab.experiment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.denoiselab.experiment.json.Json;
import org.denoiselab.science.diffusion.Ddpm;

/**
 * Named defaults for experiment requests. A request names a preset (or a dataset kind that is one)
 * and overrides any field; objects merge field by field, values and lists replace. The whole table is
 * the resource {@value #TABLE_RESOURCE}: the one place to tune sizes and budgets.
 */
public final class Presets {
    private Presets() {}

    public static final String TOY = "toy";
    public static final String FMNIST = "fmnist";
    public static final String QUICK = "quick";
    public static final String CIFAR10 = "cifar10";
    public static final String CELEBA = "celeba";

    /**
     * The preset table, presets.json beside this class: "base" under every preset, then the preset. No
     * preset builds on another, so tuning one (the fmnist default) cannot change another (quick). The
     * fmnist budget (limit, epochs, numEval) is sized for the main job's ~20 minutes on 2 cores; quick is
     * the ~3 minute walk through the whole flow.
     */
    static final String TABLE_RESOURCE = "presets.json";

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
        if (name == null
                && request.dataset() != null
                && DEFAULTS.containsKey(request.dataset().kind())) {
            name = request.dataset().kind();
        }
        if (name == null) {
            throw new InvalidRequestException(List.of(new Violation(
                    "preset", "missing: name a preset (" + String.join(", ", names()) + ") or a dataset.kind")));
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
            java.io.InputStream in = Presets.class.getResourceAsStream(TABLE_RESOURCE);
            if (in == null) {
                throw new IllegalStateException("preset table " + TABLE_RESOURCE + " is missing from the classpath");
            }
            try (in) {
                table = Json.mapper().readTree(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("preset table " + TABLE_RESOURCE + " is not valid JSON", e);
        }
        List<String> order = new ArrayList<>();
        table.fieldNames().forEachRemaining(order::add);
        Map<String, ObjectNode> out = new LinkedHashMap<>();
        for (String name : order) {
            if (name.equals("base")) continue;
            ObjectNode merged = ((ObjectNode) table.get("base")).deepCopy();
            merge(merged, table.get(name));
            merged.put("preset", name);
            // a typo in the table fails here, at class load, naming the field
            Json.convert(merged, ExperimentRequest.class);
            out.put(name, merged);
        }
        return out;
    }
}
