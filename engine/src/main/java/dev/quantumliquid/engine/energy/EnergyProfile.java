package dev.quantumliquid.engine.energy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quantumliquid.engine.EngineException;
import dev.quantumliquid.engine.format.Json;
import dev.quantumliquid.engine.layer.OpCounts;
import dev.quantumliquid.engine.model.Model;
import java.io.IOException;
import java.io.InputStream;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The cost model of one edge target (spec section 6): cycles per operation kind, clock and energy per
 * cycle, each number with the public source it comes from. Built-in profiles are data files under
 * {@code /energy/<name>.json} in the engine's resources; {@link #parse} reads any such file.
 *
 * <p>File format ({@code qlnn-energy-profile/1}): {@code name}, optional {@code description} and
 * {@code caveats}, {@code clock_mhz}, exactly one of {@code picojoules_per_cycle} or {@code run_power_mw}
 * (then pJ/cycle = mW x 1000 / MHz), optional {@code cycles_per_instruction} (for estimates from measured
 * instruction counts), and {@code cycles} with exactly {@code mac}, {@code transcendental},
 * {@code division} and {@code amplitude_update}. Every number is an object {@code {"value": x, "source": "..."}};
 * a figure without a non-blank source is refused.
 */
public final class EnergyProfile {
    public static final String FORMAT = "qlnn-energy-profile/1";
    /** Profiles shipped in the engine's resources. */
    public static final List<String> BUILT_IN = List.of("cortex-m4f");

    private static final long MAX_FILE_BYTES = 1 << 20;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One number of a profile and the public source it was taken or derived from. */
    public record Figure(double value, String source) {
    }

    private final String name;
    private final String description;
    private final String caveats;
    private final Figure clockMhz;
    private final Figure picojoulesPerCycle;
    private final Map<OpKind, Figure> cycles;
    private final Figure cyclesPerInstruction; // null when the profile has none

    private EnergyProfile(String name, String description, String caveats, Figure clockMhz, Figure pj,
            Map<OpKind, Figure> cycles, Figure cyclesPerInstruction) {
        this.name = name;
        this.description = description;
        this.caveats = caveats;
        this.clockMhz = clockMhz;
        this.picojoulesPerCycle = pj;
        this.cycles = cycles;
        this.cyclesPerInstruction = cyclesPerInstruction;
    }

    /** A built-in profile by name; an unknown name is refused with the list of known ones. */
    public static EnergyProfile load(String name) {
        if (!BUILT_IN.contains(name)) {
            throw new EngineException("energy profile '" + Json.abbreviate(name) + "' is unknown (known: "
                    + String.join(", ", BUILT_IN) + ")");
        }
        String resource = "/energy/" + name + ".json";
        try (InputStream in = EnergyProfile.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new EngineException(resource + ": built-in energy profile missing from the engine's resources");
            }
            EnergyProfile p = parse(name + ".json", in.readNBytes((int) MAX_FILE_BYTES + 1));
            if (!p.name.equals(name)) {
                throw new EngineException(name + ".json: field 'name' is '" + Json.abbreviate(p.name)
                        + "', expected '" + name + "'");
            }
            return p;
        } catch (IOException e) {
            throw new EngineException(resource + ": cannot read (" + e.getMessage() + ")", e);
        }
    }

    /** The profile a model's model.json names in "energy_profile". */
    public static EnergyProfile forModel(Model model) {
        return load(model.info().energyProfile());
    }

    /** Parses and checks a profile file; {@code label} names it in errors. */
    public static EnergyProfile parse(String label, byte[] bytes) {
        if (bytes.length > MAX_FILE_BYTES) {
            throw new EngineException(label + ": more than the limit of " + MAX_FILE_BYTES + " bytes");
        }
        JsonNode root;
        try {
            root = JSON.readTree(bytes);
        } catch (JsonProcessingException e) {
            throw new EngineException(label + ": not valid JSON (" + e.getOriginalMessage() + ")");
        } catch (IOException e) {
            throw new EngineException(label + ": cannot read (" + e.getMessage() + ")", e);
        }
        if (root == null || !root.isObject()) {
            throw new EngineException(label + ": must hold a JSON object");
        }
        String fmt = Json.requireText(root, "format", label);
        if (!fmt.equals(FORMAT)) {
            throw new EngineException(label + ": field 'format' must be '" + FORMAT + "', got '" + Json.abbreviate(fmt) + "'");
        }
        String name = Json.requireText(root, "name", label);
        String description = Json.optText(root, "description", label, "");
        String caveats = Json.optText(root, "caveats", label, "");
        Figure clock = figure(root, "clock_mhz", label, 1e-3, 1e5);
        boolean hasPj = root.hasNonNull("picojoules_per_cycle");
        boolean hasMw = root.hasNonNull("run_power_mw");
        if (hasPj == hasMw) {
            throw new EngineException(label + ": needs exactly one of 'picojoules_per_cycle' or 'run_power_mw', got "
                    + (hasPj ? "both" : "neither"));
        }
        Figure pj;
        if (hasPj) {
            pj = figure(root, "picojoules_per_cycle", label, 1e-6, 1e9);
        } else {
            Figure mw = figure(root, "run_power_mw", label, 1e-6, 1e7);
            // mW / MHz = 1e-3 J/s / 1e6 cycles/s = 1e-9 J = 1000 pJ per cycle.
            pj = new Figure(mw.value() * 1000.0 / clock.value(), "derived: run_power_mw x 1000 / clock_mhz = "
                    + mw.value() + " x 1000 / " + clock.value() + "; run_power_mw: " + mw.source());
        }
        JsonNode c = Json.require(root, "cycles", label);
        if (!c.isObject()) {
            throw new EngineException(label + ": field 'cycles' must be an object with " + OpKind.keys());
        }
        for (Iterator<String> it = c.fieldNames(); it.hasNext();) {
            String k = it.next();
            if (!OpKind.keys().contains(k)) {
                throw new EngineException(label + ": cycles: unknown operation kind '" + Json.abbreviate(k)
                        + "' (expected " + String.join(", ", OpKind.keys()) + ")");
            }
        }
        Map<OpKind, Figure> cycles = new EnumMap<>(OpKind.class);
        for (OpKind k : OpKind.values()) {
            cycles.put(k, figure(c, k.key(), label + ": cycles", 0, 1e7));
        }
        Figure cpi = root.hasNonNull("cycles_per_instruction")
                ? figure(root, "cycles_per_instruction", label, 0.1, 100) : null;
        return new EnergyProfile(name, description, caveats, clock, pj, cycles, cpi);
    }

    private static Figure figure(JsonNode parent, String field, String where, double min, double max) {
        JsonNode f = Json.require(parent, field, where);
        String at = where + ": " + field;
        if (!f.isObject()) {
            throw new EngineException(at + ": must be an object {\"value\": number, \"source\": text}, got "
                    + Json.abbreviate(f));
        }
        double v = Json.requireDouble(f, "value", at, min, max);
        String src = Json.requireText(f, "source", at);
        if (src.isBlank()) {
            throw new EngineException(at + ": field 'source' must cite the public source of the value, got an empty string");
        }
        return new Figure(v, src);
    }

    public String name() {
        return name;
    }

    public String description() {
        return description;
    }

    /** Limits of the estimate as the profile's author states them. */
    public String caveats() {
        return caveats;
    }

    public Figure clockMhz() {
        return clockMhz;
    }

    public Figure picojoulesPerCycle() {
        return picojoulesPerCycle;
    }

    /** Average cycles per executed instruction, to turn a measured instruction count into cycles; empty if not given. */
    public java.util.Optional<Figure> cyclesPerInstruction() {
        return java.util.Optional.ofNullable(cyclesPerInstruction);
    }

    /** Cycles one operation of this kind costs. */
    public Figure cycles(OpKind kind) {
        return cycles.get(kind);
    }

    /** Cycles the given operations cost: sum over kinds of count x cycles per operation. */
    public double cyclesFor(OpCounts ops) {
        double sum = 0;
        for (OpKind k : OpKind.values()) {
            sum += k.count(ops) * cycles.get(k).value();
        }
        return sum;
    }

    @Override
    public String toString() {
        return name;
    }
}
