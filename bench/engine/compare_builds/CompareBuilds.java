import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Interleaved A/B of the streamed step between benchmarks jars in one JVM: each jar in its own class
 * loader, batches of n steps taken in turn, so every jar sees the same moments of a shared machine.
 * Usage: CompareBuilds driverDir fixtureDir rounds n jar1 jar2 ...; prints per-jar quantiles over the rounds (the
 * first third is warm-up) and, per round, the ratio of each jar to the first.
 */
public class CompareBuilds {
    public static void main(String[] a) throws Exception {
        Path drivers = Path.of(a[0]);
        String fixture = a[1];
        int rounds = Integer.parseInt(a[2]);
        int n = Integer.parseInt(a[3]);
        int k = a.length - 4;
        Method[] run = new Method[k];
        String[] name = new String[k];
        for (int i = 0; i < k; i++) {
            name[i] = Path.of(a[4 + i]).getFileName().toString();
            URLClassLoader cl = new URLClassLoader(new URL[] {drivers.toUri().toURL(), Path.of(a[4 + i]).toUri().toURL()},
                    ClassLoader.getPlatformClassLoader());
            Class<?> d = cl.loadClass("stepdriver.StepDriver");
            d.getMethod("load", String.class).invoke(null, fixture);
            run[i] = d.getMethod("run", int.class);
        }
        double[][] all = new double[k][rounds];
        for (int r = 0; r < rounds; r++) {
            for (int i = 0; i < k; i++) {
                all[i][r] = (double) run[i].invoke(null, n);
            }
        }
        for (int i = 0; i < k; i++) {
            double bytes = (double) run[i].getDeclaringClass().getMethod("alloc", int.class).invoke(null, n);
            System.out.printf("%s allocates %.2f bytes/step%n", name[i], bytes);
        }
        int skip = rounds / 3;
        for (int i = 0; i < k; i++) {
            double[] s = Arrays.copyOfRange(all[i], skip, rounds);
            Arrays.sort(s);
            System.out.printf("%-24s CPU ns/step: min %5.0f p10 %5.0f p25 %5.0f median %5.0f%n", name[i], s[0],
                    s[s.length / 10], s[s.length / 4], s[s.length / 2]);
        }
        for (int i = 1; i < k; i++) {
            double[] rt = new double[rounds - skip];
            for (int r = skip; r < rounds; r++) {
                rt[r - skip] = all[i][r] / all[0][r];
            }
            Arrays.sort(rt);
            System.out.printf("%s / %s per round: median %.3f (p25 %.3f, p75 %.3f)%n", name[i], name[0],
                    rt[rt.length / 2], rt[rt.length / 4], rt[3 * rt.length / 4]);
        }
    }
}
