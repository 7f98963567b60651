package org.denoiselab.infra;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The three denoise-lab services (trainer, sampler, eval) as child JVMs of this one, wired to a running
 * {@link LocalRuntime} exactly as to a cluster's Kafka and MinIO (the same settings the services read from
 * the environment in Kubernetes). Each runs behind {@link ParentWatch}, so nothing outlives this JVM.
 *
 * <p>The HTTP API keeps its authentication on: every start makes a fresh random bearer token, hands it to
 * the services in their environment (DENOISE_AUTH_TOKENS) and to the caller through {@link #apiToken()}.
 */
public final class LocalServices implements AutoCloseable {
    /** service name -> the module folder that holds target/quarkus-app/quarkus-run.jar */
    public static final List<String> SERVICES = List.of("trainer-service", "sampler-service", "eval-service");

    private static final String QUARKUS_MAIN = "io.quarkus.bootstrap.runner.QuarkusEntryPoint";
    /**
     * The sampler and the evaluator run at this nice level: they fill the trainer's idle moments instead of
     * preempting its OpenMP threads, whose every parallel region waits for the slowest one. Measured on 2
     * cores (bench/train.sh fmnist patch 4, a 1-thread sampler looping beside it): training at 29 images/s
     * at equal priority, 111 with the sampler at nice 10, 66 with OMP_WAIT_POLICY=PASSIVE instead.
     */
    static final int BACKGROUND_NICENESS = 10;

    private final Map<String, ServerProcess> processes = new LinkedHashMap<>();
    private final Map<String, Integer> ports = new LinkedHashMap<>();

    private final LocalRuntime runtime;
    private final Path repoRoot;
    private final Path logs;
    private final Map<String, String> extra;
    private final String apiToken = newToken();

    private LocalServices(LocalRuntime runtime, Path repoRoot, Path logs, Map<String, String> extra) {
        this.runtime = runtime;
        this.repoRoot = repoRoot;
        this.logs = logs;
        this.extra = Map.copyOf(extra);
    }

    /**
     * Starts every service and waits until each reports ready on /q/health/ready.
     *
     * @param repoRoot the checkout, where each service's built quarkus-app lives
     * @param logs     folder for one log file per service
     * @param extra    more settings for every service (system properties, e.g. a smaller classifier budget)
     */
    public static LocalServices start(
            LocalRuntime runtime, Path repoRoot, Path logs, Map<String, String> extra, Duration timeout) {
        LocalServices services = new LocalServices(runtime, repoRoot, logs, extra);
        runtime.closeBeforeStopping(services);
        try {
            for (String name : SERVICES) {
                services.launch(name, name);
            }
            for (String name : SERVICES) {
                services.awaitReady(name, timeout);
            }
            return services;
        } catch (RuntimeException e) {
            services.close();
            throw e;
        }
    }

    /**
     * Starts one more replica of {@code service} (same consumer groups, own port and log) and waits until it
     * is ready; as several pods of one Deployment would be.
     *
     * @return the replica's name (e.g. trainer-service-2), for {@link #url}, {@link #log} and {@link #kill}
     */
    public synchronized String startReplica(String service, Duration timeout) {
        if (!SERVICES.contains(service)) {
            throw new IllegalArgumentException("unknown service " + service + "; expected one of " + SERVICES);
        }
        int n = 2;
        while (processes.containsKey(service + "-" + n)) {
            n++;
        }
        String name = service + "-" + n;
        launch(name, service);
        awaitReady(name, timeout);
        return name;
    }

    /** the process id of an instance's JVM */
    public synchronized long pid(String name) {
        ServerProcess p = processes.get(name);
        if (p == null) {
            throw new IllegalArgumentException("no instance " + name + "; running: " + processes.keySet());
        }
        return p.pid();
    }

    /** true while the instance's JVM runs (false after it exited by itself, e.g. a fault test's halt) */
    public synchronized boolean isAlive(String name) {
        ServerProcess p = processes.get(name);
        return p != null && p.isAlive();
    }

    /**
     * Starts an instance again under the same name, as Kubernetes restarts a crashed pod: kills it first when it is
     * still running, then launches it (a new port) and waits until it is ready.
     *
     * @return how long until it was ready
     */
    public synchronized Duration restart(String name, Duration timeout) {
        ServerProcess p = processes.remove(name);
        if (p == null) {
            throw new IllegalArgumentException("no instance " + name + "; running: " + processes.keySet());
        }
        if (p.isAlive()) {
            p.kill();
        }
        ports.remove(name);
        String service = SERVICES.stream()
                .filter(s -> name.equals(s) || name.startsWith(s + "-"))
                .findFirst()
                .orElseThrow();
        long t0 = System.nanoTime();
        launch(name, service);
        awaitReady(name, timeout);
        return Duration.ofNanos(System.nanoTime() - t0);
    }

    /** Kills one service instance with SIGKILL, as a crashed pod: no shutdown, no leaving its groups. */
    public synchronized void kill(String name) {
        ServerProcess p = processes.remove(name);
        if (p == null) {
            throw new IllegalArgumentException("no running instance " + name + "; running: " + processes.keySet());
        }
        p.kill();
        ports.remove(name);
    }

    private void launch(String name, String service) {
        Path jar = repoRoot.resolve(service).resolve("target/quarkus-app/quarkus-run.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(
                    service + " is not built: " + jar + " is missing (run mvn -DskipTests package)");
        }
        int port = Ports.free();
        List<String> jvm = new ArrayList<>();
        jvm.add("-Xmx3g");
        jvm.add("-Dquarkus.http.port=" + port);
        boolean trainer = service.equals("trainer-service");
        jvm.add("-Dai.djl.pytorch.num_threads="
                + torchThreads(trainer, Runtime.getRuntime().availableProcessors()));
        jvm.add("-Dai.djl.pytorch.num_interop_threads=1");
        runtime.environment().forEach((k, v) -> jvm.add("-D" + k + "=" + v));
        extra.forEach((k, v) -> jvm.add("-D" + k + "=" + v));
        ports.put(name, port);
        processes.put(
                name,
                ServerProcess.launch(
                        name,
                        jar.toString(),
                        jvm,
                        QUARKUS_MAIN,
                        List.of(),
                        logs.resolve(name + ".log"),
                        trainer ? 0 : BACKGROUND_NICENESS,
                        Map.of("DENOISE_AUTH_TOKENS", apiToken)));
    }

    /** 32 random bytes, hex: 64 characters */
    private static String newToken() {
        byte[] bytes = new byte[32];
        new java.security.SecureRandom().nextBytes(bytes);
        return java.util.HexFormat.of().formatHex(bytes);
    }

    /** the bearer token the services accept (Authorization: Bearer ...), fresh for every start */
    public String apiToken() {
        return apiToken;
    }

    /**
     * PyTorch threads per service on one machine, instead of PyTorch's default of every core in every JVM.
     * The trainer is the long job and keeps every core; the sampler and the evaluator take half of them, at
     * least one (a 1-thread JiT-T sampler was as fast as a 2-thread one on 2 cores: 16-20 images/s, Heun 10).
     */
    static int torchThreads(boolean trainer, int cores) {
        return trainer ? cores : Math.max(1, cores / 2);
    }

    private void awaitReady(String name, Duration timeout) {
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        URI ready = URI.create(url(name) + "/q/health/ready");
        long deadline = System.nanoTime() + timeout.toNanos();
        ServerProcess p = processes.get(name);
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                throw new IllegalStateException(
                        name + " exited during start-up; log " + p.log() + ":\n" + p.logTail(40));
            }
            try {
                HttpResponse<String> r = http.send(
                        HttpRequest.newBuilder(ready)
                                .timeout(Duration.ofSeconds(5))
                                .GET()
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for " + name, e);
            }
            Ports.sleep(Duration.ofMillis(500));
        }
        throw new IllegalStateException(
                name + " was not ready within " + timeout + "; log " + p.log() + ":\n" + p.logTail(40));
    }

    /** base URL of a service, e.g. http://127.0.0.1:41234 */
    public String url(String service) {
        Integer port = ports.get(service);
        if (port == null) {
            throw new IllegalArgumentException("no running instance " + service + "; running: " + ports.keySet());
        }
        return "http://127.0.0.1:" + port;
    }

    /** the instance's log file (kept after the instance is stopped or killed) */
    public Path log(String name) {
        return logs.resolve(name + ".log");
    }

    @Override
    public String toString() {
        return "local services " + ports;
    }

    @Override
    public synchronized void close() {
        processes.values().forEach(ServerProcess::requestStop);
        for (ServerProcess p : processes.values()) {
            p.awaitStop(Duration.ofSeconds(20));
        }
        processes.clear();
    }
}
