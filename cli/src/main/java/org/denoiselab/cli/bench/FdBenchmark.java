package org.denoiselab.cli.bench;

import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import org.denoiselab.science.eval.FeatureStats;
import org.denoiselab.science.eval.FrechetDistance;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * The work of one FID evaluation without the network: streaming statistics of N x d random
 * (correlated) features, then the Fréchet distance with its square root against a second Gaussian.
 * Prints what it did; bench/fd.sh times the whole process. Arguments: [samples] [dim] [batch].
 */
@Command(
        name = "bench/fd.sh",
        mixinStandardHelpOptions = true,
        description =
                "Feature statistics and Fréchet distance of random features, as one FID evaluation without the network.")
public final class FdBenchmark implements Callable<Integer> {
    @Parameters(index = "0", defaultValue = "50000", description = "samples; default ${DEFAULT-VALUE}")
    int samples;

    @Parameters(index = "1", defaultValue = "2048", description = "feature dimension; default ${DEFAULT-VALUE}")
    int dim;

    @Parameters(index = "2", defaultValue = "1000", description = "samples per batch; default ${DEFAULT-VALUE}")
    int batch;

    public static void main(String[] args) {
        System.exit(new CommandLine(new FdBenchmark()).execute(args));
    }

    @Override
    public Integer call() {
        SplittableRandom rnd = new SplittableRandom(42);
        FeatureStats stats = new FeatureStats(dim);
        long t0 = System.nanoTime();
        double[] buf = new double[batch * dim];
        double[] g = new double[dim];
        for (int done = 0; done < samples; done += batch) {
            int rows = Math.min(batch, samples - done);
            double[] x = rows == batch ? buf : new double[rows * dim];
            for (int r = 0; r < rows; r++) {
                for (int j = 0; j < dim; j++) {
                    g[j] = gaussian(rnd);
                }
                // neighbouring features correlated, non-zero means, like post-ReLU pool features
                for (int j = 0; j < dim; j++) {
                    x[r * dim + j] = 0.3 + 0.01 * (j % 7) + g[j] + 0.5 * g[(j + 1) % dim];
                }
            }
            stats.add(x, rows);
        }
        long t1 = System.nanoTime();
        FeatureStats.Gaussian a = stats.toGaussian();
        // a second, different Gaussian: D S D with a random positive diagonal D and a shifted mean
        double[] scale = new double[dim];
        double[] mu = a.mu().clone();
        for (int i = 0; i < dim; i++) {
            scale[i] = 0.8 + 0.4 * rnd.nextDouble();
            mu[i] += 0.05 * gaussian(rnd);
        }
        double[] sigma = a.sigma().clone();
        for (int i = 0; i < dim; i++) {
            for (int j = 0; j < dim; j++) {
                sigma[i * dim + j] *= scale[i] * scale[j];
            }
        }
        FrechetDistance.Result r = FrechetDistance.compute(a, new FeatureStats.Gaussian(mu, sigma));
        long t2 = System.nanoTime();
        System.out.printf(
                "samples=%d dim=%d stats_seconds=%.2f sqrt_fd_seconds=%.2f fd=%.6f%n",
                samples, dim, (t1 - t0) / 1e9, (t2 - t1) / 1e9, r.value());
        return 0;
    }

    private static double gaussian(SplittableRandom rnd) {
        // Box-Muller on one pair, keeping one value: simple and deterministic
        double u = 1.0 - rnd.nextDouble();
        double v = rnd.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }
}
