package org.denoiselab.infra;

import java.lang.reflect.Method;
import java.util.Arrays;

/**
 * Entry point of every server JVM the local runtime launches: exits the server when the launching
 * JVM is gone, even if that one was killed with SIGKILL and ran no shutdown hook, then runs the
 * server's real main class. Usage: {@code ParentWatch <parent-pid> <main-class> [args...]}.
 * Depends on nothing but the JDK, since it runs on the server's classpath.
 */
public final class ParentWatch {
    private ParentWatch() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            throw new IllegalArgumentException("usage: ParentWatch <parent-pid> <main-class> [args...]");
        }
        long parentPid = Long.parseLong(args[0]);
        Thread watch = new Thread(
                () -> {
                    while (ProcessHandle.of(parentPid)
                            .map(ProcessHandle::isAlive)
                            .orElse(false)) {
                        try {
                            Thread.sleep(500);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                    System.err.println("ParentWatch: launcher " + parentPid + " is gone, shutting the server down");
                    // System.exit runs the server's own shutdown hooks (clean Kafka shutdown, Jetty stop)
                    System.exit(0);
                },
                "parent-watch");
        watch.setDaemon(true);
        watch.start();

        Method main = Class.forName(args[1]).getMethod("main", String[].class);
        main.invoke(null, (Object) Arrays.copyOfRange(args, 2, args.length));
    }
}
