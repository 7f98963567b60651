package org.denoiselab.core.util;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** Minimal "--name value" / "--flag" command-line parsing with errors that name the option. */
public final class Args {
    private final Map<String, String> values = new LinkedHashMap<>();
    private final Map<String, java.util.List<String>> repeated = new LinkedHashMap<>();
    private final Set<String> used = new HashSet<>();
    private final java.util.List<String> positional = new java.util.ArrayList<>();

    public Args(String[] argv) {
        for (int i = 0; i < argv.length; i++) {
            String a = argv[i];
            if (a.startsWith("--")) {
                String name = a.substring(2);
                int eq = name.indexOf('=');
                String key = eq >= 0 ? name.substring(0, eq) : name;
                String value;
                if (eq >= 0) {
                    value = name.substring(eq + 1);
                } else if (i + 1 < argv.length && !argv[i + 1].startsWith("--")) {
                    value = argv[++i];
                } else {
                    value = "true";
                }
                values.put(key, value);
                repeated.computeIfAbsent(key, k -> new java.util.ArrayList<>()).add(value);
            } else {
                positional.add(a);
            }
        }
    }

    public java.util.List<String> positional() {
        return positional;
    }

    /** every value of an option that may repeat (--set a=1 --set b=2) */
    public java.util.List<String> getAll(String name) {
        used.add(name);
        return repeated.getOrDefault(name, java.util.List.of());
    }

    public boolean has(String name) {
        used.add(name);
        return values.containsKey(name);
    }

    public String get(String name, String def) {
        used.add(name);
        return values.getOrDefault(name, def);
    }

    public String require(String name) {
        used.add(name);
        String v = values.get(name);
        if (v == null) {
            throw new IllegalArgumentException("--" + name + " is required");
        }
        return v;
    }

    public int getInt(String name, int def) {
        String v = get(name, null);
        try {
            return v == null ? def : Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + ": expected an integer, got '" + v + "'");
        }
    }

    public double getDouble(String name, double def) {
        String v = get(name, null);
        try {
            return v == null ? def : Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + ": expected a number, got '" + v + "'");
        }
    }

    public boolean flag(String name) {
        return Boolean.parseBoolean(get(name, "false"));
    }

    /** fails on any option the program did not ask for (a typo must not be silently ignored) */
    public void rejectUnknown() {
        for (String k : values.keySet()) {
            if (!used.contains(k)) {
                throw new IllegalArgumentException("unknown option --" + k);
            }
        }
    }
}
