package org.denoiselab.e2e;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Malformed and hostile experiment requests, generated from a seed (the same list every run): random bytes, deep
 * nesting, huge numbers, wrong types, unknown fields, unicode, path-like ids, oversized bodies, broken JSON
 * structure, and requests whose fields are each valid but mean nothing together. Every one must be refused.
 */
final class HostileRequests {
    /** one request and the kind it stands for (for the note's figures) */
    record Request(String kind, byte[] body) {}

    static final String[] KINDS = {
        "random-bytes",
        "deep-nesting",
        "huge-number",
        "wrong-type",
        "unknown-field",
        "unicode",
        "path-like-id",
        "oversized",
        "broken-structure",
        "cross-field"
    };

    private static final String[] NUMERIC_FIELDS = {
        "\"train\": {\"epochs\": %s}",
        "\"train\": {\"batchSize\": %s}",
        "\"train\": {\"learningRate\": %s}",
        "\"train\": {\"seed\": %s}",
        "\"sampling\": {\"steps\": %s}",
        "\"sampling\": {\"cfgScale\": %s}",
        "\"dataset\": {\"limit\": %s}",
        "\"model\": {\"patch\": [%s]}",
        "\"schemaVersion\": %s"
    };
    private static final String[] HUGE = {
        "1e400", "-1e400", "99999999999999999999999", "-99999999999999999999999", "1" + "0".repeat(1500), "1e99999999"
    };
    private static final String[] WRONG_TYPES = {
        "\"train\": {\"epochs\": \"3\"}",
        "\"train\": {\"batchSize\": true}",
        "\"prediction\": 5",
        "\"model\": []",
        "\"sampling\": \"fast\"",
        "\"train\": {\"learningRate\": {\"a\": 1}}",
        "\"dataset\": {\"limit\": [1]}",
        "\"preset\": 7",
        "\"experimentId\": 12",
        "\"schemaVersion\": \"1\"",
        "\"sampling\": {\"clipDenoised\": \"yes\"}",
        "\"train\": {\"seed\": 1.5}",
        "\"model\": {\"patch\": [4, \"7\"]}",
        "\"sampling\": {\"cfgInterval\": [0.1]}"
    };
    private static final String[] UNICODE = {
        "\uD83D\uDE00",
        "\u202Eevil",
        "\\u0000",
        "\\ud800",
        "\u0445",
        "\uFEFF",
        "\u00e9\u0301",
        "\u4e2d\u6587",
        "\\\\",
        "\\\"",
        "\t\n"
    };
    private static final String[] PATHS = {
        "../../etc/passwd",
        "/etc/passwd",
        "a/b",
        "..",
        ".",
        "C:\\\\Windows",
        "%2e%2e%2f",
        "~root",
        "",
        "runs/../../x",
        "a\\\\b",
        "-starts-with-dash",
        "x".repeat(65)
    };
    private static final String[] CROSS_FIELD = {
        "\"sampling\": {\"cfgScale\": 3}, \"train\": {\"labelDropProb\": 0}",
        "\"method\": \"ddpm\", \"sampling\": {\"steps\": 5000}",
        "\"dataset\": {\"limit\": 10}, \"train\": {\"batchSize\": 128}",
        "\"sampling\": {\"numEval\": 1, \"gridSize\": 1}",
        "\"method\": \"ddpm\", \"prediction\": \"x\"",
        "\"model\": {\"patch\": [5]}",
        "\"dataset\": {\"kind\": \"cifar10\"}",
        "\"dataset\": {\"location\": \"/nonexistent/denoise-lab/data\"}",
        "\"model\": {\"arch\": \"mlp\"}",
        "\"prediction\": [\"x\", \"x\"]"
    };

    private HostileRequests() {}

    /** {@code n} requests, kinds in turn */
    static List<Request> generate(int n, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        List<Request> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            String kind = KINDS[i % KINDS.length];
            out.add(new Request(kind, make(kind, rnd)));
        }
        return out;
    }

    private static byte[] make(String kind, SplittableRandom rnd) {
        return switch (kind) {
            case "random-bytes" -> {
                byte[] b = new byte[rnd.nextInt(0, 600)];
                rnd.nextBytes(b);
                if (b.length > 0 && rnd.nextBoolean()) {
                    b[0] = '{'; // looks like JSON for a byte
                }
                yield b;
            }
            case "deep-nesting" -> {
                int depth = rnd.nextInt(200, 6000);
                boolean arrays = rnd.nextBoolean();
                String open = arrays ? "[" : "{\"a\":";
                String close = arrays ? "]" : "}";
                yield utf8("{\"preset\": \"quick\", \"model\": " + open.repeat(depth) + (arrays ? "" : "1")
                        + close.repeat(depth) + "}");
            }
            case "huge-number" ->
                utf8("{\"preset\": \"quick\", " + String.format(pick(NUMERIC_FIELDS, rnd), pick(HUGE, rnd)) + "}");
            case "wrong-type" -> utf8("{\"preset\": \"quick\", " + pick(WRONG_TYPES, rnd) + "}");
            case "unknown-field" -> {
                String name = "f" + Integer.toHexString(rnd.nextInt()) + pick(UNICODE, rnd);
                yield utf8(
                        rnd.nextBoolean()
                                ? "{\"preset\": \"quick\", \"" + name + "\": 1}"
                                : "{\"preset\": \"quick\", \"train\": {\"" + name + "\": {\"x\": [1, 2]}}}");
            }
            case "unicode" -> {
                String weird = pick(UNICODE, rnd) + pick(UNICODE, rnd);
                yield utf8(
                        switch (rnd.nextInt(3)) {
                            case 0 -> "{\"preset\": \"" + weird + "\"}";
                            case 1 -> "{\"preset\": \"quick\", \"prediction\": \"" + weird + "\"}";
                            default -> "{\"preset\": \"quick\", \"experimentId\": \"id" + weird + "\"}";
                        });
            }
            case "path-like-id" -> {
                String path = pick(PATHS, rnd);
                yield utf8(
                        rnd.nextBoolean()
                                ? "{\"preset\": \"quick\", \"experimentId\": \"" + path + "\"}"
                                : "{\"preset\": \"quick\", \"dataset\": {\"location\": \"/nonexistent/" + path
                                        + "\"}}");
            }
            case "oversized" -> {
                int size = rnd.nextInt(10) == 0 ? 2 * 1024 * 1024 : 300 * 1024 + rnd.nextInt(0, 100_000);
                yield utf8("{\"preset\": \"quick\", \"experimentId\": \"" + "x".repeat(size) + "\"}");
            }
            case "broken-structure" ->
                utf8(pick(
                        new String[] {
                            "{\"preset\": \"quick\"} {}",
                            "{\"preset\": \"quick\",}",
                            "{\"preset\": \"quick\", \"preset\": \"toy\"}",
                            "null",
                            "[]",
                            "\"quick\"",
                            "",
                            "{\"preset\": ",
                            "{\"preset\": \"\uFEFFquick\"}",
                            "{'preset': 'quick'}",
                            "{\"preset\": \"quick\" /* comment */}",
                            "{\"preset\": NaN}",
                            "{\"train\": {\"epochs\": 01}, \"preset\": \"quick\"}"
                        },
                        rnd));
            case "cross-field" -> utf8("{\"preset\": \"quick\", " + pick(CROSS_FIELD, rnd) + "}");
            default -> throw new IllegalArgumentException(kind);
        };
    }

    private static String pick(String[] options, SplittableRandom rnd) {
        return options[rnd.nextInt(options.length)];
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
