package dev.quantumliquid.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.quantumliquid.engine.format.SafeTensors;
import dev.quantumliquid.engine.format.Tensor;
import dev.quantumliquid.engine.format.TensorFile;
import dev.quantumliquid.testkit.TestModels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ImportNcpsCommandTest {
    @TempDir
    Path tmp;

    static Stream<String> ncpsFixtures() throws IOException {
        try (Stream<Path> s = Files.list(TestModels.FIXTURES.resolve("ncps"))) {
            return s.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted().toList().stream();
        }
    }

    private static Cli.Run importFixture(String name, Path out, String... extra) {
        Path dir = TestModels.FIXTURES.resolve("ncps").resolve(name);
        String[] base = {"import-ncps", "--spec", dir.resolve("spec.json").toString(), "--weights",
            dir.resolve("weights.safetensors").toString(), "--out", out.toString()};
        String[] args = Stream.concat(Stream.of(base), Stream.of(extra)).toArray(String[]::new);
        return Cli.run(args);
    }

    @Test
    void saysWhetherTheImportFitsTheServersEnergyBudgetAndWhichRateWould() throws IOException {
        Path out = tmp.resolve("ltc/1");
        Cli.Run r = importFixture("ltc_autoncp_20_28_4", out);
        assertThat(r.code()).as(r.err()).isZero();
        String verdict = r.outLines().get(r.outLines().size() - 1);
        assertThat(verdict).startsWith("estimated power ").contains(" at 10.0 Hz on cortex-m4f, budget 50.000 uW (ENERGY_BUDGET_UW)")
                .contains("over the budget, so ./qlnn serve will not serve it").contains("QLNN_ENERGY_POLICY=warn");
        var m = java.util.regex.Pattern.compile("--sample-rate-hz ([0-9.]+) or lower").matcher(verdict);
        assertThat(m.find()).as(verdict).isTrue();
        String rate = m.group(1);

        java.util.List<String> inputs = java.util.stream.IntStream.range(0, 20).mapToObj(i -> "s" + i).toList();
        Cli.Run again = importFixture("ltc_autoncp_20_28_4", out, "--force", "--sample-rate-hz", rate, "--name", "steering",
                "--description", "lane keeping", "--input-names", String.join(",", inputs), "--output-names", "a,b,c,d");
        assertThat(again.code()).as(again.err()).isZero();
        assertThat(again.outLines().get(again.outLines().size() - 1)).contains(" at " + Double.parseDouble(rate) + " Hz")
                .endsWith(": fits, ./qlnn serve serves it");
        var model = dev.quantumliquid.engine.model.ModelFiles.load(out);
        assertThat(model.name()).isEqualTo("steering");
        assertThat(model.info().description()).isEqualTo("lane keeping");
        assertThat(model.info().sampleRateHz()).isEqualTo(Double.parseDouble(rate));
        assertThat(model.info().inputNames()).isEqualTo(inputs);
        assertThat(model.info().outputNames()).containsExactly("a", "b", "c", "d");
        assertThat(dev.quantumliquid.engine.energy.EnergyEstimate.of(model,
                dev.quantumliquid.engine.energy.EnergyProfile.forModel(model)).microwatts()).isLessThanOrEqualTo(50.0);
    }

    @Test
    void refusesNamesThatDoNotMatchTheModule() {
        Cli.Run r = importFixture("ltc_autoncp_20_28_4", tmp.resolve("m/1"), "--input-names", "a,b");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).isEqualTo("qlnn: --input-names: the module has 20 inputs, got 2 names\n");
        assertThat(tmp.resolve("m/1/model.json")).doesNotExist();
    }

    @Test
    void fixturesAreThere() throws IOException {
        assertThat(ncpsFixtures().toList()).contains("ltc_autoncp_20_28_4", "cfc_default_20_50");
    }

    @Test
    void refusesANonEmptyOutFolderWithoutForce() throws IOException {
        Path out = Files.createDirectories(tmp.resolve("m/1"));
        Files.writeString(out.resolve("notes.txt"), "keep me");
        Cli.Run r = importFixture("cfc_default_20_50", out);
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).isEqualTo("qlnn: --out " + out + ": not empty (use --force to replace the model in it, or another folder)\n");
        assertThat(out.resolve("model.json")).doesNotExist();

        Path file = Files.writeString(tmp.resolve("afile"), "x");
        assertThat(importFixture("cfc_default_20_50", file).err()).contains("exists and is not a directory");
    }

    @Test
    void missingOrBrokenInputsAreOneLine() throws IOException {
        Cli.Run r = Cli.run("import-ncps", "--spec", tmp.resolve("spec.json").toString(), "--weights",
                tmp.resolve("w.safetensors").toString(), "--out", tmp.resolve("o").toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).isEqualTo("qlnn: " + tmp.resolve("spec.json") + ": no such file\n");

        Path spec = Files.writeString(tmp.resolve("spec.json"), "{\"class\": ");
        r = Cli.run("import-ncps", "--spec", spec.toString(), "--weights", tmp.resolve("w.safetensors").toString(),
                "--out", tmp.resolve("o").toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.errLines()).hasSize(1);
        assertThat(r.err()).contains(spec + ": not valid JSON");

        Files.writeString(spec, "{\"class\": \"CfC\", \"input_size\": 2, \"units\": 3}");
        Path w = Files.write(tmp.resolve("w.safetensors"), new byte[] {1, 2, 3});
        r = Cli.run("import-ncps", "--spec", spec.toString(), "--weights", w.toString(), "--out", tmp.resolve("o").toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains(w + ": truncated");
    }

    @Test
    void defaultNameComesFromTheFolders() {
        assertThat(ImportNcpsCommand.defaultName(Path.of("models/demo/3"))).isEqualTo("demo");
        assertThat(ImportNcpsCommand.defaultName(Path.of("out/demo"))).isEqualTo("demo");
    }

    /**
     * import-ncps, then predict the fixture's inputs: f64 within 1e-5 of the expected outputs and
     * states, f32 within the fixtures' float32 tolerance of 1e-4.
     */
    @ParameterizedTest
    @MethodSource("ncpsFixtures")
    void importedFixturePredictsItsExpectedOutputs(String name) {
        Path out = tmp.resolve("models").resolve(name).resolve("1");
        Cli.Run imp = importFixture(name, out);
        assertThat(imp.code()).as(imp.err()).isZero();
        assertThat(imp.out()).contains("as model '" + name + "'");
        Path io = TestModels.FIXTURES.resolve("ncps").resolve(name).resolve("io.safetensors");
        TensorFile want = SafeTensors.read(io);
        for (String precision : new String[] {"f64", "f32"}) {
            double tol = precision.equals("f64") ? 1e-5 : 1e-4;
            Path result = tmp.resolve(name + "-" + precision + ".safetensors");
            Cli.Run p = Cli.run("predict", "--model", out.toString(), "--input", io.toString(), "--output",
                    result.toString(), "--precision", precision);
            assertThat(p.code()).as(p.err()).isZero();
            TensorFile got = SafeTensors.read(result);
            for (String t : new String[] {"output", "final_state", "final_cell"}) {
                if (!want.has(t)) {
                    assertThat(got.has(t)).as(t).isEqualTo(false);
                    continue;
                }
                Tensor w = want.require(t);
                Tensor g = got.require(t);
                assertThat(g.shape()).as(t).containsExactly(w.shape());
                for (int i = 0; i < w.size(); i++) {
                    assertThat(g.get(i)).as("%s %s %s[%d]", name, precision, t, i).isCloseTo(w.get(i), within(tol));
                }
            }
        }
        Cli.Run again = importFixture(name, out);
        assertThat(again.code()).isEqualTo(2);
        Cli.Run forced = importFixture(name, out, "--force", "--name", "renamed");
        assertThat(forced.code()).as(forced.err()).isZero();
        assertThat(forced.out()).contains("as model 'renamed'");
    }
}
