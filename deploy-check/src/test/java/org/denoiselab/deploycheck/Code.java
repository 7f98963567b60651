package org.denoiselab.deploycheck;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.denoiselab.pipeline.kafka.Topics;

/**
 * What the services' code says, read from the pipeline's classes (topics) and from the services' sources
 * (consumer groups, what each one consumes and publishes, the configuration it reads, its meters).
 */
final class Code {
    /** every source folder whose code the services run */
    private static final List<String> SOURCES = List.of(
            "science/src/main/java",
            "experiment/src/main/java",
            "pipeline/src/main/java",
            "service-common/src/main/java",
            "trainer-service/src/main/java",
            "sampler-service/src/main/java",
            "eval-service/src/main/java");

    private Code() {}

    static final List<String> SERVICES = List.of("trainer-service", "sampler-service", "eval-service");

    // ------------------------------------------------------------------ topics

    /** Topics.EXPERIMENTS -> "experiments", ... (the constants the sources refer to) */
    static Map<String, String> topicConstants() {
        Map<String, String> out = new TreeMap<>();
        for (Field f : Topics.class.getFields()) {
            if (Modifier.isStatic(f.getModifiers()) && f.getType() == String.class) {
                try {
                    out.put(f.getName(), (String) f.get(null));
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return out;
    }

    // ------------------------------------------------------------------ Kafka access per role

    /** What one role of a service does with Kafka. */
    record Access(Set<String> groupTopics, Set<String> readerTopics, Set<String> writeTopics, Set<String> groups) {
        Set<String> readTopics() {
            Set<String> all = new TreeSet<>(groupTopics);
            all.addAll(readerTopics);
            return all;
        }
    }

    private static final Pattern CONSUMER = Pattern.compile(
            "new\\s+ConsumerLoop\\(\\s*Topics\\.(\\w+)\\s*,\\s*pipeline\\.groupConsumer\\(\\s*(\\w+)\\s*\\)",
            Pattern.DOTALL);
    private static final Pattern READER = Pattern.compile("new\\s+TopicReader\\(\\s*Topics\\.(\\w+)");
    /** a group-less reader of a service's own event topic (PublishedIndex): the role of the file that publishes */
    private static final Pattern PUBLISHED_INDEX = Pattern.compile("\\.published\\(\\s*Topics\\.(\\w+)");

    private static final Pattern PUBLISH = Pattern.compile("\\.publish\\(\\s*Topics\\.(\\w+)");
    private static final Pattern GROUP_CONSTANT =
            Pattern.compile("static\\s+final\\s+String\\s+(\\w*GROUP\\w*)\\s*=\\s*\"([^\"]+)\"");

    /**
     * Kafka access by role. The trainer-service image runs as two roles (JAVA-HANDOFF.md items 3 and
     * 4): "trainer" is the runs consumer and what RunTrainer publishes; "trainer-intake" is everything
     * else in that module. The other services have one role each, named after the module's prefix.
     */
    static Map<String, Access> kafkaAccess() {
        Map<String, String> topics = topicConstants();
        Map<String, Access> roles = new TreeMap<>();
        for (String module : SERVICES) {
            Map<String, String> groups = new TreeMap<>();
            List<Path> sources = Repo.files(Repo.path(module + "/src/main/java"), ".java");
            for (Path p : sources) {
                Matcher m = GROUP_CONSTANT.matcher(Repo.read(p));
                while (m.find()) {
                    groups.put(m.group(1), m.group(2));
                }
            }
            for (Path p : sources) {
                String src = Repo.read(p);
                String file = p.getFileName().toString();
                Matcher c = CONSUMER.matcher(src);
                while (c.find()) {
                    String topic = resolve(topics, c.group(1), p);
                    String group = groups.get(c.group(2));
                    if (group == null) {
                        throw new IllegalStateException(p + ": unknown group constant " + c.group(2));
                    }
                    Access a = roles.computeIfAbsent(role(module, topic, file), r -> empty());
                    a.groupTopics().add(topic);
                    a.groups().add(group);
                }
                Matcher r = READER.matcher(src);
                while (r.find()) {
                    String topic = resolve(topics, r.group(1), p);
                    roles.computeIfAbsent(role(module, topic, file), x -> empty())
                            .readerTopics()
                            .add(topic);
                }
                Matcher i = PUBLISHED_INDEX.matcher(src);
                while (i.find()) {
                    String topic = resolve(topics, i.group(1), p);
                    roles.computeIfAbsent(role(module, null, file), x -> empty())
                            .readerTopics()
                            .add(topic);
                }
                Matcher w = PUBLISH.matcher(src);
                while (w.find()) {
                    String topic = resolve(topics, w.group(1), p);
                    roles.computeIfAbsent(role(module, null, file), x -> empty())
                            .writeTopics()
                            .add(topic);
                }
            }
        }
        // a group consumer dead-letters what it cannot use (ConsumerLoop -> PipelineProducer.deadLetter)
        roles.values().stream()
                .filter(a -> !a.groupTopics().isEmpty())
                .forEach(a -> a.writeTopics().add(Topics.DEAD_LETTER));
        return roles;
    }

    private static Access empty() {
        return new Access(new TreeSet<>(), new TreeSet<>(), new TreeSet<>(), new TreeSet<>());
    }

    private static String resolve(Map<String, String> topics, String constant, Path where) {
        String t = topics.get(constant);
        if (t == null) {
            throw new IllegalStateException(where + ": Topics." + constant + " is not a topic constant");
        }
        return t;
    }

    private static String role(String module, String consumedTopic, String file) {
        if (!module.equals("trainer-service")) {
            return module.substring(0, module.indexOf('-'));
        }
        boolean training =
                Topics.RUNS.equals(consumedTopic) || (consumedTopic == null && file.equals("RunTrainer.java"));
        return training ? "trainer" : "trainer-intake";
    }

    // ------------------------------------------------------------------ configuration read

    static Properties applicationProperties(String module) {
        Properties p = new Properties();
        try (var in = Files.newBufferedReader(Repo.path(module + "/src/main/resources/application.properties"))) {
            p.load(in);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return p;
    }

    /** a.b-c."d" -> A_B_C__D_ (SmallRye's environment variable form, enough for the names used here) */
    static String envForm(String property) {
        return property.replaceAll("[^A-Za-z0-9]", "_").toUpperCase(Locale.ROOT);
    }

    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Za-z0-9_]+)(:[^}]*)?}");
    private static final Pattern CONFIG_PROPERTY = Pattern.compile("@ConfigProperty\\(\\s*name\\s*=\\s*\"([^\"]+)\"");
    private static final Pattern GETENV = Pattern.compile("System\\.getenv\\(\\s*\"([A-Za-z0-9_]+)\"\\s*\\)");
    private static final Pattern MAPPING = Pattern.compile("@ConfigMapping\\(\\s*prefix\\s*=\\s*\"([^\"]+)\"");
    private static final Pattern MAPPING_METHOD = Pattern.compile("\\n\\s+[\\w<>, ]+\\s+(\\w+)\\(\\);");

    /**
     * Environment names some Java code of the services reads, with where: placeholders and keys of
     * application.properties, @ConfigProperty names, @ConfigMapping interfaces, System.getenv.
     */
    static Map<String, String> envNamesRead() {
        Map<String, String> names = new TreeMap<>();
        for (String module : SERVICES) {
            Properties p = applicationProperties(module);
            for (String key : p.stringPropertyNames()) {
                names.putIfAbsent(envForm(key), module + " application.properties key " + key);
                Matcher m = PLACEHOLDER.matcher(p.getProperty(key));
                while (m.find()) {
                    names.putIfAbsent(m.group(1), module + " application.properties ${" + m.group(1) + "}");
                }
            }
        }
        for (String dir : SOURCES) {
            for (Path f : Repo.files(Repo.path(dir), ".java")) {
                String src = Repo.read(f);
                String where = Repo.ROOT.relativize(f).toString();
                Matcher c = CONFIG_PROPERTY.matcher(src);
                while (c.find()) {
                    names.putIfAbsent(envForm(c.group(1)), where + " @ConfigProperty " + c.group(1));
                }
                Matcher g = GETENV.matcher(src);
                while (g.find()) {
                    names.putIfAbsent(g.group(1), where + " System.getenv");
                }
                Matcher mp = MAPPING.matcher(src);
                if (mp.find()) {
                    String prefix = mp.group(1);
                    Matcher mm = MAPPING_METHOD.matcher(src.substring(mp.end()));
                    while (mm.find()) {
                        String property = prefix + "."
                                + mm.group(1)
                                        .replaceAll("([a-z0-9])([A-Z])", "$1-$2")
                                        .toLowerCase(Locale.ROOT);
                        names.putIfAbsent(envForm(property), where + " @ConfigMapping " + property);
                    }
                }
            }
        }
        return names;
    }

    /** Environment names the manifests set that the Java side does not read yet (JAVA-HANDOFF.md table). */
    static Set<String> pendingEnvNames() {
        String doc = Repo.read(Repo.K8S.resolve("JAVA-HANDOFF.md"));
        int start = doc.indexOf("## Environment names the manifests set that the Java code does not read yet");
        if (start < 0) {
            throw new IllegalStateException("k8s/JAVA-HANDOFF.md lost its section of pending environment names");
        }
        int end = doc.indexOf("\n## ", start + 3);
        Set<String> names = new TreeSet<>();
        Matcher m = Pattern.compile("(?m)^\\| `([A-Z0-9_]+)` \\|")
                .matcher(doc.substring(start, end < 0 ? doc.length() : end));
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    // ------------------------------------------------------------------ meters

    private static final Pattern METER =
            Pattern.compile("(Gauge|Counter|Timer|DistributionSummary)\\.builder\\(\\s*\"([^\"]+)\"");

    /** Prometheus names of every meter the Java code registers, with the meter that makes each. */
    static Map<String, String> prometheusNames() {
        Map<String, String> out = new LinkedHashMap<>();
        for (String dir : SOURCES) {
            for (Path f : Repo.files(Repo.path(dir), ".java")) {
                Matcher m = METER.matcher(Repo.read(f));
                while (m.find()) {
                    String base = m.group(2).replace('.', '_');
                    String what = m.group(1) + " " + m.group(2) + " (" + f.getFileName() + ")";
                    switch (m.group(1)) {
                        case "Gauge" -> out.put(base, what);
                        case "Counter" -> out.put(base + "_total", what);
                        case "Timer" -> {
                            for (String s :
                                    List.of("_seconds_count", "_seconds_sum", "_seconds_max", "_seconds_bucket")) {
                                out.put(base + s, what);
                            }
                        }
                        default -> {
                            for (String s : List.of("_count", "_sum", "_max")) {
                                out.put(base + s, what);
                            }
                        }
                    }
                }
            }
        }
        return out;
    }
}
