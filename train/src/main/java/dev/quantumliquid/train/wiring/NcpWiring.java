package dev.quantumliquid.train.wiring;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quantumliquid.train.TrainException;

/**
 * ncps 1.0.1 {@code NCP(...)}: neuron ids [motor | command | inter], drawn from the legacy
 * {@code RandomState(seed)} (MT19937) in ncps's order: sensory to inter, inter to command, recurrent
 * command synapses, command to motor, each followed by the "forgotten neuron" pass; polarity
 * {@code choice([-1, 1])}. Layers are inter, command, motor.
 */
public final class NcpWiring {
    /** ncps's default {@code seed}. */
    public static final long DEFAULT_SEED = 22222;

    private static final int[] POLARITY = {-1, 1};

    /** The NCP constructor's arguments, under ncps's names. */
    public record Params(int interNeurons, int commandNeurons, int motorNeurons, int sensoryFanout, int interFanout,
            int recurrentCommandSynapses, int motorFanin) {
        public Params {
            if (interNeurons < 1 || commandNeurons < 1 || motorNeurons < 1) {
                throw new TrainException("NCP wiring: inter, command and motor neurons must each be >= 1, got "
                        + interNeurons + ", " + commandNeurons + ", " + motorNeurons);
            }
            if (sensoryFanout < 0 || interFanout < 0 || recurrentCommandSynapses < 0 || motorFanin < 0) {
                throw new TrainException("NCP wiring: fanouts, fanin and recurrent synapses must be >= 0");
            }
            // ncps's own checks, same order and limits.
            if (motorFanin > commandNeurons) {
                throw new TrainException("NCP wiring: motor fanin is " + motorFanin + " but there are only " + commandNeurons
                        + " command neurons");
            }
            if (sensoryFanout > interNeurons) {
                throw new TrainException("NCP wiring: sensory fanout is " + sensoryFanout + " but there are only "
                        + interNeurons + " inter neurons");
            }
            if (interFanout > commandNeurons) {
                throw new TrainException("NCP wiring: inter fanout is " + interFanout + " but there are only " + commandNeurons
                        + " command neurons");
            }
        }

        public int units() {
            return Math.addExact(Math.addExact(interNeurons, commandNeurons), motorNeurons);
        }
    }

    private NcpWiring() {
    }

    public static Wiring build(Params p, int inputDim, long seed) {
        ObjectNode params = JsonNodeFactory.instance.objectNode().put("inter_neurons", p.interNeurons())
                .put("command_neurons", p.commandNeurons()).put("motor_neurons", p.motorNeurons())
                .put("sensory_fanout", p.sensoryFanout()).put("inter_fanout", p.interFanout())
                .put("recurrent_command_synapses", p.recurrentCommandSynapses()).put("motor_fanin", p.motorFanin())
                .put("seed", seed);
        return build("NCP", params, p, inputDim, seed);
    }

    static Wiring build(String type, ObjectNode params, Params p, int inputDim, long seed) {
        Wiring.requireInputDim(inputDim);
        if (seed < 0 || seed > 0xFFFFFFFFL) {
            throw new TrainException(type + " wiring: seed must be in [0, 2^32 - 1] (numpy RandomState), got " + seed);
        }
        int units = p.units();
        int[] motor = range(0, p.motorNeurons());
        int[] command = range(p.motorNeurons(), p.motorNeurons() + p.commandNeurons());
        int[] inter = range(p.motorNeurons() + p.commandNeurons(), units);
        int[] sensory = range(0, inputDim);
        LegacyRandom rng = new LegacyRandom(seed);
        int[][] a = new int[units][units];
        int[][] s = new int[inputDim][units];
        try {
            // sensory -> inter
            boolean[] reached = new boolean[units];
            for (int src : sensory) {
                for (int dest : rng.choiceWithoutReplacement(inter, p.sensoryFanout())) {
                    reached[dest] = true;
                    s[src][dest] = rng.choice(POLARITY);
                }
            }
            int fanin = clip((int) ((double) inputDim * p.sensoryFanout() / inter.length), 1, inputDim);
            for (int dest : inter) {
                if (!reached[dest]) {
                    for (int src : rng.choiceWithoutReplacement(sensory, fanin)) {
                        s[src][dest] = rng.choice(POLARITY);
                    }
                }
            }
            // inter -> command
            reached = new boolean[units];
            for (int src : inter) {
                for (int dest : rng.choiceWithoutReplacement(command, p.interFanout())) {
                    reached[dest] = true;
                    a[src][dest] = rng.choice(POLARITY);
                }
            }
            fanin = clip((int) ((double) inter.length * p.interFanout() / command.length), 1, command.length);
            for (int dest : command) {
                if (!reached[dest]) {
                    for (int src : rng.choiceWithoutReplacement(inter, fanin)) {
                        a[src][dest] = rng.choice(POLARITY);
                    }
                }
            }
            // recurrent command synapses
            for (int i = 0; i < p.recurrentCommandSynapses(); i++) {
                int src = rng.choice(command);
                int dest = rng.choice(command);
                a[src][dest] = rng.choice(POLARITY);
            }
            // command -> motor
            reached = new boolean[units];
            for (int dest : motor) {
                for (int src : rng.choiceWithoutReplacement(command, p.motorFanin())) {
                    reached[src] = true;
                    a[src][dest] = rng.choice(POLARITY);
                }
            }
            int fanout = clip((int) ((double) motor.length * p.motorFanin() / command.length), 1, motor.length);
            for (int src : command) {
                if (!reached[src]) {
                    for (int dest : rng.choiceWithoutReplacement(motor, fanout)) {
                        a[src][dest] = rng.choice(POLARITY);
                    }
                }
            }
        } catch (IllegalArgumentException e) {
            // ncps (numpy) fails the same way for these sizes.
            throw new TrainException(type + " wiring cannot be built for input dimension " + inputDim + ": " + e.getMessage(), e);
        }
        return new Wiring(type, params, p.motorNeurons(), a, s, new int[][] {inter, command, motor});
    }

    private static int clip(int v, int lo, int hi) {
        return Math.max(lo, Math.min(hi, v));
    }

    private static int[] range(int from, int to) {
        int[] r = new int[to - from];
        for (int i = 0; i < r.length; i++) {
            r[i] = from + i;
        }
        return r;
    }
}
