package org.denoiselab.infra;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** One server running in its own JVM, its output appended to a log file in its data folder. */
final class ServerProcess {
    private final String name;
    private final Process process;
    private final Path log;

    private ServerProcess(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    /**
     * Starts {@code mainClass} in a child JVM behind {@link ParentWatch}, so the server exits when
     * this JVM does, however it ends.
     */
    static ServerProcess launch(
            String name, String classpath, List<String> jvmOptions, String mainClass, List<String> args, Path log) {
        return launch(name, classpath, jvmOptions, mainClass, args, log, 0);
    }

    /**
     * As {@link #launch(String, String, List, String, List, Path)}, at a lower CPU priority when
     * {@code niceness > 0} (through coreutils' nice, which execs the JVM: the process is still the JVM).
     */
    static ServerProcess launch(
            String name,
            String classpath,
            List<String> jvmOptions,
            String mainClass,
            List<String> args,
            Path log,
            int niceness) {
        return launch(name, classpath, jvmOptions, mainClass, args, log, niceness, java.util.Map.of());
    }

    /**
     * As {@link #launch(String, String, List, String, List, Path, int)}, with more environment variables for
     * the child (for secrets: unlike -D options they appear neither in ps nor in the log's command line).
     */
    static ServerProcess launch(
            String name,
            String classpath,
            List<String> jvmOptions,
            String mainClass,
            List<String> args,
            Path log,
            int niceness,
            java.util.Map<String, String> environment) {
        List<String> command = new ArrayList<>();
        if (niceness > 0) {
            command.addAll(List.of("nice", "-n", Integer.toString(niceness)));
        }
        command.add(javaExecutable());
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(classpath + File.pathSeparator + parentWatchDir(log.getParent()));
        command.add(ParentWatch.class.getName());
        command.add(Long.toString(ProcessHandle.current().pid()));
        command.add(mainClass);
        command.addAll(args);
        try {
            Files.createDirectories(log.getParent());
            Files.writeString(
                    log,
                    "# " + String.join(" ", command) + System.lineSeparator(),
                    StandardCharsets.UTF_8,
                    java.nio.file.StandardOpenOption.CREATE,
                    java.nio.file.StandardOpenOption.APPEND);
            ProcessBuilder builder = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            builder.environment().putAll(environment);
            Process process = builder.start();
            return new ServerProcess(name, process, log);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the " + name + " JVM", e);
        }
    }

    /** Runs a short-lived tool (e.g. storage formatting) to completion; fails with its output. */
    static void runTool(
            String name,
            String classpath,
            List<String> jvmOptions,
            String mainClass,
            List<String> args,
            Path log,
            Duration timeout) {
        List<String> command = new ArrayList<>();
        command.add(javaExecutable());
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", classpath, mainClass));
        command.addAll(args);
        try {
            Files.createDirectories(log.getParent());
            Process process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor();
                throw new IllegalStateException(
                        name + " did not finish within " + timeout + "; log " + log + ":\n" + tail(log, 30));
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException(name + " failed with exit code " + process.exitValue() + "; log " + log
                        + ":\n" + tail(log, 30));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + name, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + name, e);
        }
    }

    String name() {
        return name;
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    Path log() {
        return log;
    }

    String logTail(int lines) {
        return tail(log, lines);
    }

    /** Kills the server (and any child it made) with SIGKILL and waits until it is gone. */
    void kill() {
        try {
            forceKill(process.descendants().toList(), Duration.ofSeconds(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** SIGKILL to the children (listed while the server was alive) and the server; waits for the server. */
    private void forceKill(List<ProcessHandle> children, Duration wait) throws InterruptedException {
        children.forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly().waitFor(wait.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Asks the server (and any child it made) to stop with SIGTERM; returns at once. */
    void requestStop() {
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
    }

    /**
     * Waits for the server to exit after {@link #requestStop()}, killing it (and its children) if it
     * takes longer than {@code grace}. True if it stopped within the grace period.
     */
    boolean awaitStop(Duration grace) {
        List<ProcessHandle> children = process.descendants().toList();
        boolean clean;
        try {
            clean = process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS);
            if (!clean) {
                forceKill(children, Duration.ofSeconds(10));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            clean = false;
        }
        children.forEach(ProcessHandle::destroyForcibly);
        return clean;
    }

    static String tail(Path file, int lines) {
        try {
            if (!Files.exists(file)) {
                return "(no log at " + file + ")";
            }
            List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
            return String.join(System.lineSeparator(), all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(cannot read log " + file + ": " + e.getMessage() + ")";
        }
    }

    private static String javaExecutable() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /**
     * Copies ParentWatch's class file into {@code serverDir/launcher}: a folder holding that one
     * class, so nothing else of this module reaches the server's classpath, and it works whatever
     * class loader (plain, surefire, Quarkus) loaded this module.
     */
    private static String parentWatchDir(Path serverDir) {
        String classFile = ParentWatch.class.getName().replace('.', '/') + ".class";
        Path dir = serverDir.resolve("launcher");
        try (InputStream in = ParentWatch.class.getClassLoader().getResourceAsStream(classFile)) {
            if (in == null) {
                throw new IllegalStateException("cannot find " + classFile + " on the class path");
            }
            Path target = dir.resolve(classFile);
            Files.createDirectories(target.getParent());
            Files.write(target, in.readAllBytes());
            return dir.toString();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy " + classFile + " to " + dir, e);
        }
    }
}
