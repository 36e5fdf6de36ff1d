package dev.quantumliquid.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quantumliquid.server.repository.Power;
import dev.quantumliquid.server.repository.PowerEstimator;
import dev.quantumliquid.testkit.TestModels;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard in a real browser: Debian's headless Chromium loads {@code /?autotest=1} from a
 * running server (the page then sends its sample sequence through its own form once loaded) and
 * dumps the DOM; the charts must be drawn and the form must show the server's answer. Without
 * Chromium the test is skipped, except in CI (CI=true) where that is a failure.
 * QLNN_DASHBOARD_SCREENSHOT=file.png also saves a screenshot there (and the DOM in file.png.html).
 */
class DashboardBrowserTest {
    static final Path CHROMIUM = Path.of(System.getenv().getOrDefault("QLNN_CHROMIUM", "/usr/bin/chromium"));

    @TempDir
    Path repo;
    @TempDir
    Path profile;

    private static void requireChromium() {
        if (Files.isExecutable(CHROMIUM)) {
            return;
        }
        String why = CHROMIUM + " is missing: install Debian's package 'chromium' (apt-get install -y chromium)";
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            fail(why);
        }
        Assumptions.abort(why);
    }

    /** Runs headless Chromium on the url with the extra flags; returns its standard output. */
    private String chromium(String url, String... flags) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(CHROMIUM.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--disable-dev-shm-usage", "--user-data-dir=" + Files.createTempDirectory(profile, "p"),
                "--window-size=1280,1700", "--virtual-time-budget=5000"));
        cmd.addAll(List.of(flags));
        cmd.add(url);
        Path out = Files.createTempFile(profile, "stdout", ".html");
        Path err = Files.createTempFile(profile, "stderr", ".txt");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(90, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            fail("chromium did not finish in 90 s: " + Files.readString(err));
        }
        String stdout = Files.readString(out, StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as("chromium exit status; stderr: %s", Files.readString(err)).isZero();
        return stdout;
    }

    private static List<Double> numbers(String text) {
        List<Double> v = new ArrayList<>();
        Matcher m = Pattern.compile("-?\\d+(?:\\.\\d+)?(?:e[-+]?\\d+)?").matcher(text);
        while (m.find()) {
            v.add(Double.parseDouble(m.group()));
        }
        return v;
    }

    /** The page's sample sequence for f features (see sampleSequence in app.js). */
    static String sampleSequence(int f) {
        StringBuilder s = new StringBuilder("[");
        for (int k = 0; k < 4; k++) {
            s.append(k == 0 ? "[" : ",[");
            for (int j = 0; j < f; j++) {
                double x = Math.round(Math.sin(0.9 + 1.3 * j + 0.7 * k) * 100) / 100.0;
                s.append(j == 0 ? "" : ",").append(x);
            }
            s.append("]");
        }
        return s.append("]").toString();
    }

    @Test
    void pageRendersItsChartsAndTheFormShowsTheServersAnswer() throws Exception {
        requireChromium();
        TestLoaders.writeLeaky(repo, "leaky", 1);
        TestModels.dense(repo, "dense", 1, 0f);
        PowerEstimator power = m -> Optional.of(m.name().equals("leaky") ? new Power(0.25, 2.5) : new Power(0.1, 1.0));
        try (TestServer s = TestServer.start(TestServer.config(repo, Map.of()), power)) {
            s.post("/inference", "{\"model\":\"leaky\",\"inputs\":[[0.3,0.1,0.2],[0.5,0.4,0.1]]}");
            String screenshot = System.getenv("QLNN_DASHBOARD_SCREENSHOT");
            if (screenshot != null && !screenshot.isBlank()) { // a little history first, so the charts have lines
                for (int i = 0; i < 24; i++) {
                    s.post("/inference", "{\"model\":\"leaky\",\"inputs\":[[" + (i % 7) * 0.4 + ",0.1,0.2],[2,0.4,0.1]]}");
                    s.post("/inference", "{\"model\":\"dense\",\"input\":[" + i + ",0.1,0.2]}");
                    Thread.sleep(500);
                }
            }
            String url = "http://127.0.0.1:" + s.server.port() + "/?autotest=1";
            String dom = chromium(url, "--dump-dom");

            assertThat(dom).as(dom).contains("data-autotest=\"done\"");
            // every chart drawn: 5 per model
            assertThat(count(dom, "<svg[^>]*data-rendered=\"true\"")).as(dom).isEqualTo(10);
            // the quantum model's request-rate, latency and coherence charts have data (lines or a current point)
            String leaky = section(dom, "leaky");
            Matcher points = Pattern.compile("data-points=\"(\\d+)\"").matcher(leaky);
            List<Integer> perChart = new ArrayList<>();
            while (points.find()) {
                perChart.add(Integer.parseInt(points.group(1)));
            }
            assertThat(perChart).as(leaky).hasSize(5);
            assertThat(perChart.get(0)).as("request rate points").isPositive();
            assertThat(perChart.get(1)).as("latency points").isPositive();
            assertThat(perChart.get(3)).as("coherence points").isPositive();
            assertThat(perChart.get(4)).as("power points").isPositive();
            assertThat(leaky).containsPattern("<path d=\"M[0-9.]+ [0-9.]+[^\"]*\" class=\"line s0\"");
            assertThat(dom).contains("class=\"threshold\"");
            // the table lists both models as ready
            assertThat(count(dom, "<span class=\"badge ok\">ready</span>")).isEqualTo(2);

            // the form's answer is the server's answer for the page's sample sequence
            Matcher out = Pattern.compile("<pre id=\"result-output\">([^<]*)</pre>").matcher(dom);
            assertThat(out.find()).as(dom).isTrue();
            JsonNode expected = s.post("/inference", "{\"model\":\"leaky\",\"inputs\":" + sampleSequence(3) + "}").json();
            List<Double> shown = new ArrayList<>();
            for (String line : out.group(1).split("\n")) {
                List<Double> n = numbers(line.substring(line.indexOf(':') + 1));
                shown.addAll(n);
            }
            List<Double> want = new ArrayList<>();
            expected.get("output").forEach(row -> row.forEach(x -> want.add(x.asDouble())));
            assertThat(shown).hasSameSizeAs(want).hasSize(4 * 3);
            for (int i = 0; i < want.size(); i++) {
                assertThat(shown.get(i)).as("output %d", i).isCloseTo(want.get(i), org.assertj.core.api.Assertions.within(6e-5));
            }
            Matcher coh = Pattern.compile("<dd id=\"result-coherence\">([0-9.]+)</dd>").matcher(dom);
            assertThat(coh.find()).as(dom).isTrue();
            assertThat(Double.parseDouble(coh.group(1))).isCloseTo(expected.get("quantum_coherence").asDouble(),
                    org.assertj.core.api.Assertions.within(6e-5));
            assertThat(dom).contains("<dd id=\"result-model\">leaky version 1</dd>");

            if (screenshot != null && !screenshot.isBlank()) {
                Path png = Path.of(screenshot).toAbsolutePath();
                Files.writeString(Path.of(png + ".html"), dom);
                chromium(url, "--screenshot=" + png, "--hide-scrollbars");
                assertThat(Files.size(png)).isPositive();
            }
        }
    }

    @Test
    void withApiKeysThePageAsksForAKeyAndWorksWithOne() throws Exception {
        requireChromium();
        TestLoaders.writeLeaky(repo, "leaky", 1);
        var infer = dev.quantumliquid.server.security.ApiKeys.generate("browser", dev.quantumliquid.server.security.Role.INFER,
                new java.security.SecureRandom());
        Path keys = Files.writeString(profile.resolve("keys"), infer.line() + "\n");
        try (TestServer s = TestServer.start(TestServer.config(repo, Map.of("QLNN_API_KEYS_FILE", keys.toString())),
                PowerEstimator.unknown())) {
            String base = "http://127.0.0.1:" + s.server.port() + "/?autotest=1";

            String refused = chromium(base, "--dump-dom");
            assertThat(refused).as(refused).contains("data-autotest=\"needs key\"");
            assertThat(refused).as(refused).containsPattern("<form id=\"key-form\"(?![^>]*hidden)[^>]*>");
            assertThat(refused).contains("needs an API key").doesNotContain("<dd id=\"result-model\">leaky");

            String dom = chromium(base + "#key=" + infer.key(), "--dump-dom");
            assertThat(dom).as(dom).contains("data-autotest=\"done\"");
            assertThat(dom).contains("<dd id=\"result-model\">leaky version 1</dd>");
            assertThat(dom).as("the key never lands in the page").doesNotContain(infer.key());
        }
    }

    private static int count(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    /** The chart section of one model. */
    private static String section(String dom, String model) {
        String start = "<section class=\"model-charts\" data-model=\"" + model + "\">";
        int i = dom.indexOf(start);
        assertThat(i).as("charts of %s in %s", model, dom).isNotNegative();
        int j = dom.indexOf("</section>", i);
        return dom.substring(i, j);
    }
}
