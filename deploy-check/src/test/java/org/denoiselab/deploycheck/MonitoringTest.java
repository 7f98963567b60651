package org.denoiselab.deploycheck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The alert rules pass promtool and, like the dashboard, use only metric names that exist: the meters
 * the Java code registers (in Prometheus form), Kafka Exporter's and DCGM's. The cluster Prometheus
 * loads the rules from where they are mounted.
 */
class MonitoringTest {
    static final Path RULES = Repo.MONITORING.resolve("rules/denoise-lab.rules.yml");
    static final Path DASHBOARD = Repo.MONITORING.resolve("grafana/dashboards/denoise-lab.json");

    /** Kafka Exporter (danielqsj/kafka_exporter, the one Strimzi runs): the metrics it documents */
    static final Set<String> KAFKA_EXPORTER = Set.of(
            "kafka_brokers",
            "kafka_topic_partitions",
            "kafka_topic_partition_current_offset",
            "kafka_topic_partition_oldest_offset",
            "kafka_topic_partition_in_sync_replica",
            "kafka_topic_partition_leader",
            "kafka_topic_partition_replicas",
            "kafka_topic_partition_under_replicated_partition",
            "kafka_consumergroup_current_offset",
            "kafka_consumergroup_current_offset_sum",
            "kafka_consumergroup_lag",
            "kafka_consumergroup_lag_sum",
            "kafka_consumergroup_members");
    /** DCGM exporter's default counters used by the dashboard (device fields, no profiling fields) */
    static final Set<String> DCGM = Set.of(
            "DCGM_FI_DEV_GPU_UTIL",
            "DCGM_FI_DEV_MEM_COPY_UTIL",
            "DCGM_FI_DEV_FB_USED",
            "DCGM_FI_DEV_FB_FREE",
            "DCGM_FI_DEV_POWER_USAGE",
            "DCGM_FI_DEV_GPU_TEMP",
            "DCGM_FI_DEV_SM_CLOCK");

    private static final Set<String> PROMQL_WORDS = Set.of(
            "by",
            "without",
            "on",
            "ignoring",
            "group_left",
            "group_right",
            "and",
            "or",
            "unless",
            "bool",
            "offset",
            "inf",
            "nan",
            "atan2",
            "start",
            "end",
            // aggregation operators: a "by (...)" may stand between them and their parenthesis
            "sum",
            "min",
            "max",
            "avg",
            "group",
            "stddev",
            "stdvar",
            "count",
            "count_values",
            "bottomk",
            "topk",
            "quantile",
            "limitk",
            "limit_ratio");

    /** metric names in a PromQL expression: identifiers that are no function, keyword, label or string */
    static Set<String> metricNames(String expr) {
        String s = expr.replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"", "\"\"") // strings
                .replaceAll("\\{[^}]*}", "{}") // label matchers
                .replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", "$1()") // label lists
                .replaceAll("\\[[^]]*]", "[]") // ranges ([5m], [$__range])
                .replaceAll("\\$\\w+", ""); // Grafana variables
        Set<String> names = new TreeSet<>();
        Matcher m = Pattern.compile("(?<![\\w.])([a-zA-Z_:][a-zA-Z0-9_:]*)(?!\\w)(\\s*\\()?")
                .matcher(s);
        while (m.find()) {
            if (m.group(2) != null || PROMQL_WORDS.contains(m.group(1).toLowerCase(java.util.Locale.ROOT))) {
                continue; // a function call or a keyword
            }
            names.add(m.group(1));
        }
        return names;
    }

    static Map<String, String> known() {
        Map<String, String> known = new LinkedHashMap<>(Code.prometheusNames());
        KAFKA_EXPORTER.forEach(n -> known.put(n, "Kafka Exporter"));
        DCGM.forEach(n -> known.put(n, "DCGM exporter"));
        return known;
    }

    static List<String> ruleExpressions() {
        List<String> exprs = new ArrayList<>();
        JsonNode doc = Kustomize.parseAll(Repo.read(RULES), RULES.toString()).get(0);
        doc.path("groups")
                .forEach(g ->
                        g.path("rules").forEach(r -> exprs.add(r.path("expr").asText())));
        return exprs;
    }

    static List<String> dashboardExpressions() throws Exception {
        List<String> exprs = new ArrayList<>();
        JsonNode d = new ObjectMapper().readTree(Repo.read(DASHBOARD));
        d.path("panels")
                .forEach(p ->
                        p.path("targets").forEach(t -> exprs.add(t.path("expr").asText())));
        d.path("templating")
                .path("list")
                .forEach(
                        v -> exprs.add(v.path("definition").asText().replaceAll("label_values\\(([^,]+),.*\\)", "$1")));
        return exprs;
    }

    @Test
    void promtoolAcceptsTheRulesAndTheLocalConfig() {
        Assumptions.assumeTrue(
                Repo.onPath("promtool") != null,
                "promtool is not installed (Debian package 'prometheus'; bin/test installs it through bin/lib/ensure-tools.sh)");
        Repo.Result rules = Repo.run(
                60, "promtool", "check", "rules", Repo.ROOT.relativize(RULES).toString());
        System.out.println("promtool check rules: " + rules.output());
        assertEquals(0, rules.exitCode(), rules.output());
        Repo.Result config = Repo.run(60, "promtool", "check", "config", "infra/monitoring/prometheus.yml");
        System.out.println("promtool check config: " + config.output());
        assertEquals(0, config.exitCode(), config.output());
    }

    @Test
    void rulesCoverWhatTheIssueAsksFor() {
        String all = String.join("\n", ruleExpressions());
        for (String metric : List.of(
                "pipeline_records_dead_lettered_total",
                "trainer_runs_failed_total",
                "kafka_consumergroup_lag",
                "trainer_run_images_per_second")) {
            assertTrue(all.contains(metric), "an alert on " + metric);
        }
        for (String e : ruleExpressions()) {
            for (String counter :
                    metricNames(e).stream().filter(n -> n.endsWith("_total")).toList()) {
                assertTrue(
                        e.matches("(?s).*(increase|rate)\\(\\s*" + counter + ".*"),
                        "counter " + counter + " read raw in: " + e);
            }
        }
    }

    @Test
    void rulesAndDashboardUseOnlyMetricsThatExist() throws Exception {
        Map<String, String> known = known();
        List<String> problems = new ArrayList<>();
        for (String e : ruleExpressions()) {
            metricNames(e).stream()
                    .filter(n -> !known.containsKey(n))
                    .forEach(n -> problems.add("rule: " + n + " in " + e));
        }
        for (String e : dashboardExpressions()) {
            metricNames(e).stream()
                    .filter(n -> !known.containsKey(n))
                    .forEach(n -> problems.add("dashboard: " + n + " in " + e));
        }
        assertTrue(problems.isEmpty(), "metric names nothing emits:\n" + String.join("\n", problems));
        assertFalse(metricNames("sum by (topic) (rate(x_total{a=\"b\"}[5m])) / on (pod) group_left max(y)")
                .contains("topic"));
        assertEquals(
                Set.of("x_total", "y"),
                metricNames("sum by (topic) (rate(x_total{a=\"b\"}[5m])) / on (pod) group_left max(y)"));
    }

    @Test
    void clusterPrometheusLoadsTheRulesFromItsMounts() {
        Manifests m = Manifests.base();
        Deployment prometheus = m.one(Deployment.class, "prometheus");
        var c = prometheus.getSpec().getTemplate().getSpec().getContainers().get(0);
        Map<String, String> mountOfConfigMap = new LinkedHashMap<>();
        for (var v : prometheus.getSpec().getTemplate().getSpec().getVolumes()) {
            if (v.getConfigMap() != null) {
                String path = c.getVolumeMounts().stream()
                        .filter(vm -> vm.getName().equals(v.getName()))
                        .findFirst()
                        .orElseThrow()
                        .getMountPath();
                mountOfConfigMap.put(m.baseName(v.getConfigMap().getName()), path);
            }
        }
        ConfigMap config =
                m.find(ConfigMap.class, "denoise-lab", "prometheus-config").orElseThrow();
        String yml = config.getData().get("prometheus.yml");
        assertTrue(
                c.getArgs().contains("--config.file=" + mountOfConfigMap.get("prometheus-config") + "/prometheus.yml"));
        assertTrue(
                yml.contains(mountOfConfigMap.get("prometheus-rules") + "/*.yml"),
                "rule_files points at the rules mount");
        assertTrue(
                yml.contains(mountOfConfigMap.get("prometheus-extra-scrape") + "/*.yml"),
                "scrape_config_files points at the extra mount");
        ConfigMap rules =
                m.find(ConfigMap.class, "denoise-lab", "prometheus-rules").orElseThrow();
        assertEquals(
                Repo.read(RULES),
                rules.getData().get(RULES.getFileName().toString()),
                "the cluster runs the same rule file");
        // the overlay's extra scrape job arrives under the name the Deployment mounts
        Manifests gpu = Manifests.gpu();
        assertTrue(gpu.find(ConfigMap.class, "denoise-lab", "prometheus-extra-scrape")
                .isPresent());
        Deployment p2 = gpu.one(Deployment.class, "prometheus");
        String mounted = p2.getSpec().getTemplate().getSpec().getVolumes().stream()
                .filter(v -> "extra-scrape".equals(v.getName()))
                .findFirst()
                .orElseThrow()
                .getConfigMap()
                .getName();
        assertTrue(
                gpu.all(ConfigMap.class).stream()
                        .anyMatch(cm -> cm.getMetadata().getName().equals(mounted)),
                "the overlay's Prometheus mounts the generated extra-scrape ConfigMap (" + mounted + ")");
    }
}
