package dev.quantumliquid.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quantumliquid.engine.edge.EdgeCost;
import dev.quantumliquid.engine.energy.EnergyEstimate;
import dev.quantumliquid.engine.energy.EnergyProfile;
import dev.quantumliquid.engine.energy.InstructionEnergy;
import dev.quantumliquid.engine.layer.Layer;
import dev.quantumliquid.engine.layer.OpCounts;
import dev.quantumliquid.engine.layer.SynapseCount;
import dev.quantumliquid.engine.model.Model;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** What {@code qlnn inspect} reports about a model, rendered as text or JSON. */
record ModelReport(String name, String description, int inputFeatures, List<String> outputNames, double sampleRateHz,
        String energyProfile, List<LayerRow> layers, long parameters, int stateSize, int hiddenSize, int cellSize,
        int qubits, Optional<SynapseCount> synapses, OpCounts ops, Energy energy, Optional<Measured> measured) {

    static final String NOT_APPLICABLE = "not applicable";

    /** One layer's row of the table. */
    record LayerRow(String name, String type, int in, int out, int state, long parameters, int qubits) {
    }

    /** Energy of one model step and the power it means at the model's sample rate. */
    record Energy(double microjoulesPerStep, double microwatts) {
    }

    /** Cost measured on the emulated Cortex-M4F and the power it means (qlnn inspect --measure, export-c --report). */
    record Measured(EdgeCost cost, InstructionEnergy energy) {
        static Measured of(Model m, EdgeCost cost) {
            return new Measured(cost, InstructionEnergy.of(cost.instructionsPerStep(), m.info().sampleRateHz(),
                    EnergyProfile.forModel(m)));
        }

        /** Microseconds per step at {@code mhz}: measured instructions x cycles per instruction / clock. */
        double microsecondsAt(double mhz) {
            return energy.cyclesPerStep() / mhz;
        }
    }

    /** The clock the time per step is reported at besides the profile's (a common Cortex-M4F setting). */
    static final double REPORT_MHZ = 80.0;

    static ModelReport of(Model m) {
        return of(m, Optional.empty());
    }

    /** The report with the cost measured on the emulated Cortex-M4F. */
    static ModelReport measured(Model m, EdgeCost cost) {
        return of(m, Optional.of(cost));
    }

    private static ModelReport of(Model m, Optional<EdgeCost> cost) {
        List<LayerRow> rows = new ArrayList<>();
        for (Layer l : m.layers()) {
            rows.add(new LayerRow(l.name(), l.type(), l.inputSize(), l.outputSize(), l.stateSize(), l.parameterCount(),
                    l.qubits()));
        }
        return new ModelReport(m.name(), m.info().description(), m.inputSize(), m.info().outputNames(),
                m.info().sampleRateHz(), m.info().energyProfile(), rows, m.parameterCount(), m.stateSize(),
                m.hiddenSize(), m.cellSize(), m.qubits(), m.synapses(), m.opsPerStep(), energyPerStep(m),
                cost.map(c -> Measured.of(m, c)));
    }

    /** Energy of one step from the model's energy profile (spec section 6); power at the model's sample rate. */
    static Energy energyPerStep(Model m) {
        EnergyEstimate e = EnergyEstimate.of(m, EnergyProfile.forModel(m));
        return new Energy(e.microjoulesPerStep(), e.microwatts());
    }

    String text() {
        StringBuilder sb = new StringBuilder();
        line(sb, "model", name);
        if (!description.isEmpty()) {
            line(sb, "description", description);
        }
        line(sb, "input", inputFeatures + " features");
        line(sb, "output", outputNames.size() + " (" + String.join(", ", outputNames) + ")");
        line(sb, "sample rate", fmt(sampleRateHz) + " Hz");
        sb.append("layers:\n");
        String[] head = {"name", "type", "in", "out", "state", "parameters", "qubits"};
        List<String[]> cells = new ArrayList<>();
        cells.add(head);
        for (LayerRow r : layers) {
            cells.add(new String[] {r.name(), r.type(), Integer.toString(r.in()), Integer.toString(r.out()),
                Integer.toString(r.state()), Long.toString(r.parameters()), Integer.toString(r.qubits())});
        }
        int[] w = new int[head.length];
        for (String[] row : cells) {
            for (int i = 0; i < row.length; i++) {
                w[i] = Math.max(w[i], row[i].length());
            }
        }
        for (String[] row : cells) {
            sb.append(' ');
            for (int i = 0; i < row.length; i++) {
                // names and types left-aligned, numbers right-aligned
                String f = i < 2 ? "%-" + w[i] + "s" : "%" + w[i] + "s";
                sb.append(' ').append(String.format(Locale.ROOT, f, row[i]));
            }
            sb.append('\n');
        }
        line(sb, "total parameters", Long.toString(parameters));
        line(sb, "state size", stateSize + (cellSize > 0 ? " (hidden " + hiddenSize + ", cell " + cellSize + ")" : ""));
        line(sb, "qubits", Integer.toString(qubits));
        line(sb, "liquid sparsity", synapses.map(s -> String.format(Locale.ROOT, "%.4f (%d of %d synapses absent)",
                s.sparsity(), s.possible() - s.present(), s.possible())).orElse(NOT_APPLICABLE));
        line(sb, "ops per step", String.format(Locale.ROOT,
                "macs %d, transcendentals %d, divisions %d, amplitude updates %d, total %d",
                ops.macs(), ops.transcendentals(), ops.divisions(), ops.amplitudeUpdates(), ops.total()));
        line(sb, "energy per step", fmt(energy.microjoulesPerStep()) + " uJ (profile " + energyProfile + ")");
        line(sb, "power at " + fmt(sampleRateHz) + " Hz", fmt(energy.microwatts()) + " uW (from operation counts)");
        if (measured.isEmpty()) {
            line(sb, "measured power", "not measured (qlnn inspect --measure or export-c --report; needs"
                    + " arm-none-eabi-gcc and qemu-system-arm)");
        } else {
            measuredText(sb, measured.get(), sampleRateHz);
        }
        return sb.toString();
    }

    /** The measured lines (flash, RAM, instructions, time, power) shared by inspect and export-c --report. */
    static void measuredText(StringBuilder sb, Measured m, double sampleRateHz) {
        EdgeCost c = m.cost();
        line(sb, "flash", c.flashBytes() + " bytes (text " + c.textBytes() + " + data " + c.dataBytes()
                + ", minimal Cortex-M4F firmware)");
        line(sb, "static RAM", c.ramBytes() + " bytes (data " + c.dataBytes() + " + bss " + c.bssBytes()
                + ", stack not included)");
        line(sb, "instructions", String.format(Locale.ROOT, "%.1f per step (+-%.1f, counted on QEMU mps2-an386)",
                c.instructionsPerStep(), c.instructionsErrorPerStep()));
        line(sb, "time per step", fmt(m.microsecondsAt(REPORT_MHZ)) + " us at " + fmt(REPORT_MHZ) + " MHz, "
                + fmt(m.energy().cyclesPerStep()) + " cycles at " + fmt(m.energy().cyclesPerInstruction())
                + " cycles/instruction");
        line(sb, "measured power", fmt(m.energy().microwatts()) + " uW at " + fmt(sampleRateHz) + " Hz ("
                + fmt(m.energy().microjoulesPerStep()) + " uJ per step, from measured instructions)");
    }

    ObjectNode json() {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode o = f.objectNode();
        o.put("name", name);
        o.put("description", description);
        o.put("input_features", inputFeatures);
        ArrayNode outs = o.putArray("output_names");
        outputNames.forEach(outs::add);
        o.put("sample_rate_hz", sampleRateHz);
        o.put("energy_profile", energyProfile);
        ArrayNode ls = o.putArray("layers");
        for (LayerRow r : layers) {
            ObjectNode l = ls.addObject();
            l.put("name", r.name());
            l.put("type", r.type());
            l.put("in", r.in());
            l.put("out", r.out());
            l.put("state", r.state());
            l.put("parameters", r.parameters());
            l.put("qubits", r.qubits());
        }
        o.put("total_parameters", parameters);
        o.put("state_size", stateSize);
        o.put("hidden_size", hiddenSize);
        o.put("cell_size", cellSize);
        o.put("qubits", qubits);
        if (synapses.isPresent()) {
            SynapseCount s = synapses.get();
            o.put("liquid_sparsity", s.sparsity());
            o.putObject("synapses").put("possible", s.possible()).put("present", s.present());
        } else {
            o.put("liquid_sparsity", NOT_APPLICABLE);
            o.putNull("synapses");
        }
        ObjectNode ops = o.putObject("ops_per_step");
        ops.put("macs", this.ops.macs());
        ops.put("transcendentals", this.ops.transcendentals());
        ops.put("divisions", this.ops.divisions());
        ops.put("amplitude_updates", this.ops.amplitudeUpdates());
        ops.put("total", this.ops.total());
        ObjectNode en = o.putObject("energy");
        en.put("profile", energyProfile);
        en.put("uj_per_step", energy.microjoulesPerStep());
        en.put("power_uw", energy.microwatts());
        if (measured.isPresent()) {
            Measured m = measured.get();
            ObjectNode me = o.putObject("measured");
            me.put("flash_bytes", m.cost().flashBytes());
            me.put("ram_bytes", m.cost().ramBytes());
            me.put("instructions_per_step", m.cost().instructionsPerStep());
            me.put("instructions_error_per_step", m.cost().instructionsErrorPerStep());
            me.put("cycles_per_instruction", m.energy().cyclesPerInstruction());
            me.put("cycles_per_step", m.energy().cyclesPerStep());
            me.put("us_per_step_at_80_mhz", m.microsecondsAt(REPORT_MHZ));
            me.put("uj_per_step", m.energy().microjoulesPerStep());
            me.put("power_uw", m.energy().microwatts());
        } else {
            o.putNull("measured");
        }
        return o;
    }

    static void line(StringBuilder sb, String key, String value) {
        sb.append(String.format(Locale.ROOT, "%-18s %s%n", key + ":", value));
    }

    /** Four significant digits: the estimate is not more precise than that (the --json form keeps all). */
    static String fmt(double v) {
        return new java.math.BigDecimal(v).round(new java.math.MathContext(4)).stripTrailingZeros().toPlainString();
    }
}
